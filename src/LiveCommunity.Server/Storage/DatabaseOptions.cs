namespace LiveCommunity.Server.Storage;

/// <summary>Configuration section "Database": the provider and how many connections one instance may hold.</summary>
public sealed class DatabaseOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary><c>Sqlite</c> (embedded default) or <c>Postgres</c> (clusters).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Write batch transactions in flight per instance, and so the size of the write connection pool
    /// (PostgreSQL). SQLite has one writer per file, so there it is always 1.
    /// </summary>
    public int MaxWriteBatches { get; set; } = 4;

    /// <summary>Connections for reads (REST, Watch replays, health) per instance: the read pool's size (PostgreSQL).</summary>
    public int MaxReadConnections { get; set; } = 16;

    /// <summary>How long a read waits for a free pooled connection before it is answered 503.</summary>
    public TimeSpan ConnectionWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connections one instance opens at most: what <c>max_connections</c> must allow per instance.</summary>
    public int MaxConnections => MaxWriteBatches + MaxReadConnections;
}
