using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LiveCommunity.Server.Storage;

// Used only by `dotnet ef migrations add`, so each provider's migrations can be generated without a
// running database or the app's configuration:
//   dotnet ef migrations add Name --context SqliteCommunityDb   --output-dir Storage/Migrations/Sqlite
//   dotnet ef migrations add Name --context PostgresCommunityDb --output-dir Storage/Migrations/Postgres

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCommunityDb>
{
    public SqliteCommunityDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCommunityDb>().UseSqlite(StorageExtensions.DefaultSqlite).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCommunityDb>
{
    public PostgresCommunityDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCommunityDb>().UseNpgsql("Host=localhost;Database=livecommunity").Options);
}
