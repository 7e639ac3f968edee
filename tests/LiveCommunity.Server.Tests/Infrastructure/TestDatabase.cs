using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// Which database a test host uses. SQLite by default; PostgreSQL when LC_TEST_DATABASE=postgres (each factory
/// gets its own database) on the server LC_TEST_POSTGRES points at or, when that is unset, on a private server
/// the test run starts itself (<see cref="PostgresServer.Shared"/>).
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
        return CreatePostgres();
    }

    /// <summary>A fresh PostgreSQL database whatever LC_TEST_DATABASE says (cross-instance tests always need one).</summary>
    public static TestDatabase CreatePostgres()
    {
        var server = PostgresServerConnectionString;
        var name = "lc_" + Guid.NewGuid().ToString("N")[..16];
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase("Postgres", builder.ConnectionString, name);
    }

    /// <summary>Creates a fresh database that several hosts can share (cross-instance tests).</summary>
    public static TestDatabase CreateShared(string folder) => Create(folder);

    private static string PostgresServerConnectionString =>
        Environment.GetEnvironmentVariable("LC_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : PostgresServer.Shared.ConnectionString;

    /// <summary>A context on this database without a host (to inspect what a killed server left behind).</summary>
    public Storage.CommunityDb Open() => Provider == "Postgres"
        ? new Storage.PostgresCommunityDb(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Storage.PostgresCommunityDb>()
            .UseNpgsql(ConnectionString).Options)
        : new Storage.SqliteCommunityDb(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Storage.SqliteCommunityDb>()
            .UseSqlite(ConnectionString).Options);

    public void Drop()
    {
        if (_postgresName is null)
        {
            return;
        }
        try
        {
            NpgsqlConnection.ClearAllPools();
            var server = new NpgsqlConnectionStringBuilder(PostgresServerConnectionString) { Database = "postgres" };
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
