using Microsoft.Data.Sqlite;
using Npgsql;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Tells a saturated or unreachable database (no free connection, too many clients, a lock not granted in
/// time, the server restarting) from a defect. The first is answered 503 with Retry-After, never 500.
/// </summary>
public static class StorageFailures
{
    // PostgreSQL error classes and codes that mean "not now" rather than "never".
    private static readonly string[] BusyStates =
    [
        "53300", // too_many_connections
        "53200", // out_of_memory
        "53100", // disk_full
        "55P03", // lock_not_available (lock_timeout)
        "57014", // query_canceled (statement_timeout)
        "57P01", // admin_shutdown
        "57P02", // crash_shutdown
        "57P03", // cannot_connect_now
        "40001", // serialization_failure
        "40P01", // deadlock_detected
    ];

    public static bool IsBusy(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when BusyStates.Contains(pg.SqlState) || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                case NpgsqlException { IsTransient: true }:
                case SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }
}
