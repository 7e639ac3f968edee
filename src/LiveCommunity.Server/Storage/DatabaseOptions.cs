namespace LiveCommunity.Server.Storage;

/// <summary>Configuration section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary><c>Sqlite</c> (embedded default) or <c>Postgres</c> (clusters).</summary>
    public string Provider { get; set; } = Sqlite;
}
