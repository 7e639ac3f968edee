using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LiveCommunity.Server.Tests.Postgres;

/// <summary>An instance on PostgreSQL with small pools and short waits, so saturation shows within a test.</summary>
public sealed class SmallPoolHost() : AppFactory(TestDatabase.CreatePostgres())
{
    public const int WriteBatches = 2;
    public const int ReadConnections = 3;
    private readonly LogCapture _logs = new();

    /// <summary>Every log entry of the host, with its level.</summary>
    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Database:MaxWriteBatches", WriteBatches.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Database:MaxReadConnections", ReadConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Database:ConnectionWait", "00:00:01"),
        new("Writes:MaxWait", "00:00:01"),
        new("Writes:LockTimeout", "00:00:01"),
        // Every read must reach the database here: a cached page would (rightly) be served through the jam.
        new("ReadCache:Enabled", "false"),
    ];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Database.Drop();
    }
}

/// <summary>
/// One instance never holds more PostgreSQL connections than its pools allow, and a saturated database is
/// answered 503 with Retry-After (reads and writes alike), never 500; it recovers by itself.
/// </summary>
[Trait("Category", TestCategories.Postgres)]
[Collection(ClusterCollection.Name)]
public sealed class ConnectionBoundTests(SmallPoolHost app) : IClassFixture<SmallPoolHost>
{
    [Fact]
    public async Task ASaturatedDatabaseIsAnswered503AndTheInstanceStaysWithinItsPools()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await app.Member().PostReplyAsync(topicId, "before the jam");

        // Another client takes the replies table away: reads and reply inserts wait on it, holding connections.
        await using var jam = new NpgsqlConnection(app.Database.ConnectionString);
        await jam.OpenAsync();
        await using var hold = await jam.BeginTransactionAsync();
        await using (var lockReplies = new NpgsqlCommand("LOCK TABLE \"Replies\" IN ACCESS EXCLUSIVE MODE", jam, hold))
        {
            await lockReplies.ExecuteNonQueryAsync();
        }

        var errorsBefore = app.Logs.Count(l => l.Level >= LogLevel.Error);
        using var sampling = new CancellationTokenSource();
        var most = SampleConnectionsAsync(sampling.Token);
        var reads = Enumerable.Range(0, 30).Select(async _ =>
        {
            using var http = app.Anonymous().Http();
            return await http.GetAsync($"/api/topics/{topicId}/replies");
        }).ToList();
        var writes = Enumerable.Range(0, 30).Select(async i =>
        {
            using var http = app.Member($"writer{i}").Http();
            return await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"during the jam {i}" });
        }).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await hold.RollbackAsync();
        var answers = (await Task.WhenAll(reads)).Concat(await Task.WhenAll(writes)).ToList();
        await sampling.CancelAsync();

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        var busy = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Contains(busy, a => a.RequestMessage!.Method == HttpMethod.Get);
        Assert.Contains(busy, a => a.RequestMessage!.Method == HttpMethod.Post);
        foreach (var answer in busy)
        {
            var problem = await answer.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Matches(@"^busy, retry in \d+ s$", (string?)problem["detail"]);
            Assert.True(answer.Headers.RetryAfter is not null, "503 without Retry-After");
        }
        Assert.InRange(await most, 1, SmallPoolHost.WriteBatches + SmallPoolHost.ReadConnections);
        // Expected refusals are not errors in the logs (EF Core's own entry for each refused query included).
        var errors = app.Logs.Where(l => l.Level >= LogLevel.Error).Skip(errorsBefore).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Category}: {e.Message}")));

        // Nothing refused was stored, and the instance works again by itself.
        await app.Member().PostReplyAsync(topicId, "after the jam");
        using var reader = app.Anonymous().Http();
        var page = await (await reader.GetAsync($"/api/topics/{topicId}/replies?limit=200")).ReadAsync(HttpStatusCode.OK);
        var stored = page["items"]!.AsArray().Select(r => (string)r!["body"]!).ToList();
        var accepted = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(accepted + 2, stored.Count);
    }

    /// <summary>The most connections this instance held at once (pg_stat_activity, sampled every 10 ms).</summary>
    private async Task<int> SampleConnectionsAsync(CancellationToken ct)
    {
        await using var probe = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(app.Database.ConnectionString) { ApplicationName = "probe", Pooling = false }.ConnectionString);
        await probe.OpenAsync(CancellationToken.None);
        var most = 0;
        while (!ct.IsCancellationRequested)
        {
            await using var count = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'livecommunity%'", probe);
            most = Math.Max(most, (int)(long)(await count.ExecuteScalarAsync(CancellationToken.None))!);
            try
            {
                await Task.Delay(10, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return most;
    }
}
