using Npgsql;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// Which database a test host uses. SQLite by default; PostgreSQL when LC_TEST_DATABASE=postgres, with
/// LC_TEST_POSTGRES pointing at a server the test script started (each factory gets its own database).
/// </summary>
public sealed class TestDatabase
{
    private TestDatabase(string provider, string connectionString, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgresName = postgresName;
    }

    private readonly string? _postgresName;

    public string Provider { get; }
    public string ConnectionString { get; }

    public static bool UsePostgres =>
        string.Equals(Environment.GetEnvironmentVariable("LC_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static TestDatabase Create(string folder)
    {
        if (!UsePostgres)
        {
            Directory.CreateDirectory(folder);
            return new TestDatabase("Sqlite", $"Data Source={Path.Combine(folder, "test.db")}", null);
        }
        var server = Environment.GetEnvironmentVariable("LC_TEST_POSTGRES")
            ?? throw new InvalidOperationException("LC_TEST_DATABASE=postgres needs LC_TEST_POSTGRES (a connection string to the test server)");
        var name = "lc_" + Guid.NewGuid().ToString("N")[..16];
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase("Postgres", builder.ConnectionString, name);
    }

    /// <summary>Creates a fresh database that several hosts can share (cross-instance tests).</summary>
    public static TestDatabase CreateShared(string folder) => Create(folder);

    public void Drop()
    {
        if (_postgresName is null)
        {
            return;
        }
        try
        {
            NpgsqlConnection.ClearAllPools();
            var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("LC_TEST_POSTGRES")) { Database = "postgres" };
            using var connection = new NpgsqlConnection(server.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // The server is torn down with the test run anyway.
        }
    }
}
