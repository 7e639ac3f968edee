using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// Where write batches get their unit of work: a pool of contexts on the write connections, separate from the
/// read pool, so readers can never take the connections that writes need (and the other way round).
/// </summary>
public sealed class WriteDatabase(IDbContextFactory<CommunityDb> factory, int maxBatches, bool isSqlite)
{
    /// <summary>Batches that may run at once: the write pool's size, 1 on SQLite (one writer per file).</summary>
    public int MaxBatches { get; } = isSqlite ? 1 : maxBatches;

    public bool IsSqlite { get; } = isSqlite;

    public CommunityDb CreateContext() => factory.CreateDbContext();
}

/// <summary>Hands out pooled contexts of one provider's subclass as <see cref="CommunityDb"/>.</summary>
internal sealed class CommunityDbFactory<TContext>(DbContextOptions<TContext> options, int poolSize) : IDbContextFactory<CommunityDb>
    where TContext : CommunityDb
{
    private readonly PooledDbContextFactory<TContext> _pool = new(options, poolSize);

    public CommunityDb CreateDbContext() => _pool.CreateDbContext();
}
