using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

public static class StorageExtensions
{
    public const string DefaultSqlite = "Data Source=data/livecommunity.db";

    /// <summary>Registers <see cref="CommunityDb"/> for the configured provider; each provider keeps its own migrations.</summary>
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration("Database")
            .Validate(o => o.Provider is DatabaseOptions.Sqlite or DatabaseOptions.Postgres,
                "Database:Provider must be Sqlite or Postgres")
            .ValidateOnStart();

        var provider = builder.Configuration["Database:Provider"] ?? DatabaseOptions.Sqlite;
        var connectionString = builder.Configuration.GetConnectionString("Database");
        if (string.Equals(provider, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Database is not set (environment variable ConnectionStrings__Database).");
            }
            builder.Services.AddDbContextPool<CommunityDb, PostgresCommunityDb>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            builder.Services.AddDbContextPool<CommunityDb, SqliteCommunityDb>(o =>
                o.UseSqlite(ResolveSqlite(connectionString ?? DefaultSqlite, builder.Environment.ContentRootPath)));
        }
        return builder;
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
