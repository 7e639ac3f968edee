using Microsoft.Data.Sqlite;

namespace LiveCommunity.Baseline;

/// <summary>
/// The write-path yardstick of the hot-topic benchmark: every write is its own SQLite transaction (one fsync),
/// writers waiting their turn behind an async gate, the way LiveCommunity wrote before it batched. No seq, no
/// event log, no auth. The durability is LiveCommunity's, stated on every connection rather than left to the
/// library's compile-time default: WAL (kept in the file) and synchronous=FULL (per connection), so a
/// difference in the ratio is work, not a skipped fsync.
/// </summary>
public sealed class StoredRows : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public StoredRows(IConfiguration configuration)
    {
        var path = configuration.GetConnectionString("Database") ?? $"Data Source={Path.Combine(Path.GetTempPath(), "livecommunity-baseline.db")}";
        _connectionString = new SqliteConnectionStringBuilder(path) { Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS replies (id TEXT PRIMARY KEY, topic TEXT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS reactions (target TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (target, user, kind));
            CREATE TABLE IF NOT EXISTS counts (target TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (target, kind));
            """);
    }

    public async Task InsertReplyAsync(Reply reply)
    {
        await _gate.WaitAsync();
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO replies (id, topic, author, body, created) VALUES ($id, $topic, $author, $body, $created)";
            insert.Parameters.AddWithValue("$id", reply.Id);
            insert.Parameters.AddWithValue("$topic", reply.TopicId);
            insert.Parameters.AddWithValue("$author", reply.Author.Id);
            insert.Parameters.AddWithValue("$body", reply.Body);
            insert.Parameters.AddWithValue("$created", reply.CreatedAt.ToString("O"));
            insert.ExecuteNonQuery();
            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets or clears one reaction and keeps its count, in one transaction; returns the new count.</summary>
    public async Task<int> ReactAsync(string targetId, string user, string kind, bool on)
    {
        await _gate.WaitAsync();
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var change = connection.CreateCommand();
            change.CommandText = on
                ? "INSERT INTO reactions (target, user, kind) VALUES ($t, $u, $k) ON CONFLICT DO NOTHING"
                : "DELETE FROM reactions WHERE target = $t AND user = $u AND kind = $k";
            change.Parameters.AddWithValue("$t", targetId);
            change.Parameters.AddWithValue("$u", user);
            change.Parameters.AddWithValue("$k", kind);
            if (change.ExecuteNonQuery() > 0)
            {
                using var count = connection.CreateCommand();
                count.CommandText = "INSERT INTO counts (target, kind, count) VALUES ($t, $k, $d) ON CONFLICT (target, kind) DO UPDATE SET count = count + $d";
                count.Parameters.AddWithValue("$t", targetId);
                count.Parameters.AddWithValue("$k", kind);
                count.Parameters.AddWithValue("$d", on ? 1 : -1);
                count.ExecuteNonQuery();
            }
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT count FROM counts WHERE target = $t AND kind = $k";
            read.Parameters.AddWithValue("$t", targetId);
            read.Parameters.AddWithValue("$k", kind);
            var total = Convert.ToInt32(read.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
            transaction.Commit();
            return total;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=FULL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _gate.Dispose();
}
