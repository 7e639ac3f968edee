using System.Collections.Concurrent;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// Records who writes (id, name and role as their tokens say) and finds the banned among them, once per batch
/// for all its writers. Done inside the batch so that a ban that commits first always wins: on PostgreSQL the
/// rows are read <c>FOR SHARE</c>, so a ban's update waits for the batch or the batch sees the ban.
/// </summary>
internal sealed class Writers
{
    // Users whose stored name and role are known to match their token: no upsert needed. Bounded: when full it
    // is cleared, which only costs one upsert per writer.
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, (string Name, string Role)> _recorded = new(StringComparer.Ordinal);

    public async Task<HashSet<string>> RecordAsync(CommunityDb db, bool isSqlite, IEnumerable<Caller> callers, DateTime now, CancellationToken ct)
    {
        var distinct = callers.DistinctBy(c => c.Id).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return [];
        }
        foreach (var caller in distinct)
        {
            if (_recorded.TryGetValue(caller.Id, out var known) && known == (caller.Name, caller.Role))
            {
                continue;
            }
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Users" ("Id", "Name", "Role", "Banned", "UpdatedAt")
                VALUES ({caller.Id}, {caller.Name}, {caller.Role}, {false}, {now})
                ON CONFLICT ("Id") DO UPDATE SET "Name" = excluded."Name", "Role" = excluded."Role", "UpdatedAt" = excluded."UpdatedAt"
                """, ct);
        }
        var ids = distinct.ConvertAll(c => c.Id);
        if (isSqlite)
        {
            // One writer at a time on SQLite: nothing can ban anyone between this read and the commit.
            var banned = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var id in BannedAmong.For(db)(db, ids.ToArray()).WithCancellation(ct))
            {
                banned.Add(id);
            }
            return banned;
        }
        var rows = await db.Database.SqlQuery<UserBan>($"""
            SELECT "Id", "Banned" FROM "Users" WHERE "Id" = ANY({ids.ToArray()}) ORDER BY "Id" FOR SHARE
            """).ToListAsync(ct);
        return [.. rows.Where(r => r.Banned).Select(r => r.Id)];
    }

    /// <summary>Called after the batch committed: its writers' names and roles are stored now.</summary>
    public void Remember(IEnumerable<Caller> callers)
    {
        if (_recorded.Count > MaxRemembered)
        {
            _recorded.Clear();
        }
        foreach (var caller in callers)
        {
            _recorded[caller.Id] = (caller.Name, caller.Role);
        }
    }

    // Compiled once: every batch with a writer asks it (see BatchRunner's TopicById).
    private static readonly CompiledQuery<Func<CommunityDb, string[], IAsyncEnumerable<string>>> BannedAmong = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string[] ids) => db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.Banned).Select(u => u.Id)));

    private sealed class UserBan
    {
        public required string Id { get; init; }
        public bool Banned { get; init; }
    }
}
