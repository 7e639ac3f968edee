using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// Makes an erasure reach the database files, not only the rows. On SQLite, write connections run with
/// <c>secure_delete</c> (freed space is zeroed, so an overwritten body leaves no bytes behind in the page), and
/// after an erasure the WAL is checkpointed into the database file and truncated, so no older page image with
/// the text survives in it; the erasure is a stored job (<c>ModerationJobs</c>) that is complete only once this
/// succeeded. PostgreSQL keeps dead row versions until VACUUM and WAL segments until they are
/// recycled: docs/deployment.md says what to run.
/// </summary>
public sealed class ErasedTextCompaction(WriteDatabase database)
{
    /// <summary>
    /// One attempt to checkpoint and truncate the WAL: false while a reader in the middle of an older snapshot
    /// keeps it busy (the erasure job tries again until it succeeds). Always true on PostgreSQL.
    /// </summary>
    public async Task<bool> TryAsync(CancellationToken ct)
    {
        if (!database.IsSqlite)
        {
            return true;
        }
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await using var result = await checkpoint.ExecuteReaderAsync(ct);
        return await result.ReadAsync(ct) && result.GetInt32(0) == 0;
    }
}

/// <summary>Turns on <c>secure_delete</c> for every SQLite write connection (see <see cref="ErasedTextCompaction"/>).</summary>
internal sealed class SqliteSecureDelete : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA secure_delete = ON";
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA secure_delete = ON";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
