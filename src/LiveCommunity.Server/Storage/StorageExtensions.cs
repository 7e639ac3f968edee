using LiveCommunity.Server.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultSqlite = "Data Source=data/livecommunity.db";

    /// <summary>
    /// Registers <see cref="CommunityDb"/> for reads (scoped, from a pool) and <see cref="WriteDatabase"/> for the
    /// write pipeline. On PostgreSQL the two have separate connection pools whose sizes come from "Database", so
    /// one instance never holds more than <see cref="DatabaseOptions.MaxConnections"/> connections.
    /// </summary>
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration("Database")
            .Validate(o => o.Provider is DatabaseOptions.Sqlite or DatabaseOptions.Postgres,
                "Database:Provider must be Sqlite or Postgres")
            .Validate(o => o.MaxWriteBatches > 0 && o.MaxReadConnections > 0 && o.ConnectionWait > TimeSpan.Zero,
                "Database:MaxWriteBatches, MaxReadConnections and ConnectionWait must be positive")
            .ValidateOnStart();

        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString("Database");
        if (string.Equals(options.Provider, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Database is not set (environment variable ConnectionStrings__Database).");
            }
            // Two pools (Npgsql pools by connection string): a slow read can never hold a write batch's connection.
            var reads = Pool(connectionString, options.MaxReadConnections, options.ConnectionWait, "livecommunity");
            var writes = Pool(connectionString, options.MaxWriteBatches, options.ConnectionWait, "livecommunity-writes");
            builder.Services.AddDbContextPool<CommunityDb, PostgresCommunityDb>(o => o.UseNpgsql(reads).QuietExpectedFailures());
            builder.Services.AddSingleton(new WriteDatabase(
                new CommunityDbFactory<PostgresCommunityDb>(new DbContextOptionsBuilder<PostgresCommunityDb>().UseNpgsql(writes).QuietExpectedFailures().Options, options.MaxWriteBatches),
                options.MaxWriteBatches, isSqlite: false));
        }
        else
        {
            var sqlite = ResolveSqlite(connectionString ?? DefaultSqlite, builder.Environment.ContentRootPath);
            builder.Services.AddDbContextPool<CommunityDb, SqliteCommunityDb>(o => o.UseSqlite(sqlite).QuietExpectedFailures());
            builder.Services.AddSingleton(new WriteDatabase(
                new CommunityDbFactory<SqliteCommunityDb>(
                    new DbContextOptionsBuilder<SqliteCommunityDb>().UseSqlite(sqlite).AddInterceptors(new SqliteSecureDelete()).QuietExpectedFailures().Options, 4),
                1, isSqlite: true));
        }
        builder.Services.AddSingleton<ErasedTextCompaction>();
        return builder;
    }

    /// <summary>
    /// A saturated database is answered 503 where its exception surfaces (<see cref="StorageFailures"/>), and
    /// real failures are logged once by whoever handles them (the exception handler, the write pipeline, the hub's
    /// filters). EF Core's own Error entry for every failed query, command or connection would make each expected
    /// refusal an error in the logs, several times over (thousands when a dead instance's readers resume at once),
    /// so those entries go to Debug.
    /// </summary>
    private static DbContextOptionsBuilder<T> QuietExpectedFailures<T>(this DbContextOptionsBuilder<T> options) where T : DbContext
    {
        ((DbContextOptionsBuilder)options).QuietExpectedFailures();
        return options;
    }

    private static DbContextOptionsBuilder QuietExpectedFailures(this DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log(
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug)));

    // Sets the pool's bound from our options (not from the connection string), so sizing is in one place.
    private static string Pool(string connectionString, int size, TimeSpan wait, string applicationName)
    {
        var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = size,
            MinPoolSize = 0,
            Timeout = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
        };
        if (string.IsNullOrEmpty(npgsql.ApplicationName))
        {
            npgsql.ApplicationName = applicationName;
        }
        else
        {
            npgsql.ApplicationName += "-" + applicationName;
        }
        return npgsql.ConnectionString;
    }

    /// <summary>Applies pending migrations (and, for SQLite, creates the data folder and turns on WAL).</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        if (db.Database.IsSqlite())
        {
            var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }
        }
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // Readers never wait for the writer under WAL; the setting is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        await scope.ServiceProvider.GetRequiredService<ReplyScores>().RefreshAsync(db);
    }

    // A relative Data Source is relative to the content root, not to whatever folder the process started in.
    private static string ResolveSqlite(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        }
        return builder.ToString();
    }
}
