using System.Net;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>One instance of a cluster: the app on the shared PostgreSQL database and the shared Redis.</summary>
public sealed class ClusterHost(TestDatabase database, string redisConnectionString, IEnumerable<KeyValuePair<string, string?>>? extraSettings = null)
    : AppFactory(database)
{
    public ClusterHost(TestDatabase database, RedisServer redis, IEnumerable<KeyValuePair<string, string?>>? extraSettings = null)
        : this(database, redis.ConnectionString, extraSettings)
    {
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        .. extraSettings ?? [],
        new("ConnectionStrings:Redis", redisConnectionString),
        // Short heartbeat and TTL so presence heals within the tests' patience, not production's.
        new("Redis:PresenceHeartbeat", "00:00:00.500"),
        new("Redis:PresenceTtl", "00:00:03"),
    ];

    public async Task<HttpStatusCode> ReadinessAsync()
    {
        using var http = CreateClient();
        return (await http.GetAsync("/health/ready")).StatusCode;
    }

    public async Task WaitForReadinessAsync(HttpStatusCode expected, int timeoutMs = 60_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        HttpStatusCode last;
        while ((last = await ReadinessAsync()) != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"/health/ready stayed {(int)last}, expected {(int)expected}");
            }
            await Task.Delay(200);
        }
    }
}

/// <summary>
/// Two instances (A and B) sharing a fresh PostgreSQL database and a private Redis, both started by the fixture
/// (a test class gets its own, since some tests stop Redis or an instance).
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>Settings both instances get on top of the cluster's; override for a class with other limits.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    private TestDatabase? _database;

    public RedisServer Redis { get; private set; } = null!;
    public ClusterHost A { get; private set; } = null!;
    public ClusterHost B { get; private set; } = null!;
    public TestDatabase Database => _database!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        _database = TestDatabase.CreatePostgres();
        A = new ClusterHost(_database, Redis, Settings());
        B = new ClusterHost(_database, Redis, Settings());
        // Start A first: it applies the migrations, so B does not race it for them.
        _ = A.Server;
        _ = B.Server;
        await A.WaitForReadinessAsync(HttpStatusCode.OK);
        await B.WaitForReadinessAsync(HttpStatusCode.OK);
    }

    public Task DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        _database?.Drop();
        Redis?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Cross-instance tests run one class at a time: each starts processes and they share 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
