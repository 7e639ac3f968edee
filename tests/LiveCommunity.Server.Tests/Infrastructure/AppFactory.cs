using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// The application on a real SQLite file of its own (or, with LC_TEST_DATABASE=postgres, a fresh database on
/// the PostgreSQL server the test run started). Subclass it to change settings for one test class.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hs256!";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lc-tests", Guid.NewGuid().ToString("N"));

    public TestDatabase Database { get; }

    private readonly bool _ownsDatabase = true;

    public AppFactory() => Database = TestDatabase.Create(_folder);

    /// <summary>A host on a database another host also uses (cross-instance tests); the creator drops it.</summary>
    protected AppFactory(TestDatabase sharedDatabase)
    {
        Database = sharedDatabase;
        _ownsDatabase = false;
    }

    /// <summary>Settings on top of the test defaults; override to change limits for one class.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:DevTokens"] = "true",
            ["Database:Provider"] = Database.Provider,
            ["ConnectionStrings:Database"] = Database.ConnectionString,
            ["Seed:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests act as many users from one address in a burst; the limits get their own tests.
            ["Limits:RepliesPerWindow"] = "100000",
            ["Limits:ReactionsPerWindow"] = "100000",
            ["Limits:ChangesPerWindow"] = "100000",
            ["Limits:ReportsPerWindow"] = "100000",
            ["Limits:ReadsPerWindow"] = "100000",
            ["Limits:ConnectionsPerWindow"] = "100000",
            ["Limits:ConnectionsPerAddress"] = "100000",
            ["Limits:HubInvocationBurst"] = "100000",
            ["Limits:HubInvocationsPerSecond"] = "100000",
            ["Limits:ReplayBurst"] = "100000",
            ["Limits:ReplaysPerSecond"] = "100000",
            ["Limits:AddressHubInvocationBurst"] = "100000",
            ["Limits:AddressHubInvocationsPerSecond"] = "100000",
            ["Limits:AddressReplayBurst"] = "100000",
            ["Limits:AddressReplaysPerSecond"] = "100000",
            ["Limits:DuplicateReplyWindow"] = "00:00:00",
        };
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public TestUser Member(string? name = null) => new(this, Users.Make(name ?? "member", "member"));
    public TestUser Moderator(string? name = null) => new(this, Users.Make(name ?? "moderator", "moderator"));
    public TestUser Admin(string? name = null) => new(this, Users.Make(name ?? "admin", "admin"));
    public TestUser Anonymous() => new(this, null);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (_ownsDatabase)
            {
                Database.Drop();
            }
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
            }
        }
    }
}
