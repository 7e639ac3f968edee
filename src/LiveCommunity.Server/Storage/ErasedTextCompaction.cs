using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// Makes an erasure reach the database files, not only the rows. On SQLite, write connections run with
/// <c>secure_delete</c> (freed space is zeroed, so an overwritten body leaves no bytes behind in the page), and
/// after an erasure the WAL is checkpointed into the database file and truncated, so no older page image with
/// the text survives in it. PostgreSQL keeps dead row versions until VACUUM and WAL segments until they are
/// recycled: docs/deployment.md says what to run.
/// </summary>
public sealed partial class ErasedTextCompaction(WriteDatabase database, TimeProvider time, ILogger<ErasedTextCompaction> logger)
{
    public async Task AfterErasureAsync(CancellationToken ct)
    {
        if (!database.IsSqlite)
        {
            return;
        }
        // A reader in the middle of an old snapshot keeps the checkpoint from finishing: try again for a while.
        for (var attempt = 1; attempt <= 50; attempt++)
        {
            await using var db = database.CreateContext();
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(ct);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await using var result = await checkpoint.ExecuteReaderAsync(ct);
            if (await result.ReadAsync(ct) && result.GetInt32(0) == 0)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
        LogCheckpointBusy(logger);
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning,
        Message = "After an erasure the SQLite WAL could not be truncated (readers kept it busy); the next checkpoint removes the erased pages")]
    private static partial void LogCheckpointBusy(ILogger logger);
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
