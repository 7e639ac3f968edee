using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Tests.Webhooks;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>Both instances run webhook dispatchers; receivers on loopback are allowed.</summary>
public sealed class ArticleClusterFixture : ClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Webhooks:AllowPrivateNetworks", "true"),
        new("Webhooks:PollInterval", "00:00:00.100"),
        new("Webhooks:LeaseDuration", "00:00:02"),
    ];
}

/// <summary>Articles and webhooks on two instances sharing PostgreSQL and Redis.</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class ArticleClusterTests(ArticleClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ArticleClusterFixture>
{
    private static TestUser Publisher(AppFactory host) => new(host, Users.Make("cms", "publisher"));

    private static string NewArticleId() => "cluster-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task TenConcurrentPutsOfOneNewArticleOnBothInstancesLeaveOneTopicAndAnswerEveryoneWithIt()
    {
        var articleId = NewArticleId();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var http = Publisher(i % 2 == 0 ? cluster.A : cluster.B).Http();
            var response = await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Breaking", url = "https://news.example/breaking" });
            var body = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
            return (response.StatusCode, TopicId: (string?)body?["id"]);
        }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Single(answers.Select(a => a.TopicId).Distinct());
        await using var db = cluster.Database.Open();
        Assert.Equal(1, await db.Topics.CountAsync(t => t.ArticleId == articleId));
    }

    [Fact]
    public async Task FiftyNewArticlesPutConcurrentlyOnBothInstancesAreAllAnsweredWithoutBusyOrErrors()
    {
        // Every article PUT on A and on B at once: 100 requests, 50 creations racing their twin on the other instance.
        var ids = Enumerable.Range(0, 50).Select(_ => NewArticleId()).ToList();
        var started = Stopwatch.StartNew();
        var answers = await Task.WhenAll(ids.SelectMany(id => new[] { cluster.A, cluster.B }.Select(async host =>
        {
            using var http = Publisher(host).Http();
            var response = await http.PutAsJsonAsync($"/api/articles/{id}", new { title = "Teaser " + id, url = "https://news.example/" + id });
            return (id, response.StatusCode, Detail: await response.Content.ReadAsStringAsync());
        })));
        var elapsed = started.Elapsed;

        var byStatus = answers.GroupBy(a => (int)a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"100 PUTs of 50 new articles on two instances: {string.Join(", ", byStatus.Select(s => $"{s.Key}: {s.Value}"))} in {elapsed.TotalMilliseconds:F0} ms");
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{a.id}: {(int)a.StatusCode} {a.Detail}"));
        Assert.Equal(50, byStatus.GetValueOrDefault(201));
        await using var db = cluster.Database.Open();
        Assert.Equal(50, await db.Topics.CountAsync(t => t.ArticleId != null && ids.Contains(t.ArticleId)));
    }

    [Fact]
    public async Task WithDispatchersOnBothInstancesNoEventIsDeliveredTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var admin = cluster.A.Admin().Http();
        var hook = await (await admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "reply.posted" } })).ReadAsync(HttpStatusCode.Created);
        receiver.Secret = (string)hook["secret"]!;
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync("Two dispatchers"))["id"]!;

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? cluster.A : cluster.B).Member().PostReplyAsync(topicId, $"reply {i}")));
        await receiver.WaitForAsync(_ => receiver.Received.Select(w => w.Id).Distinct().Count() >= 50, timeoutMs: 30_000);

        // Every event's one delivery is its first attempt, whichever instance made it, and the log agrees.
        var attempts = new List<System.Text.Json.Nodes.JsonNode?>();
        await Eventually.TrueAsync(async () =>
        {
            attempts = [.. (await (await admin.GetAsync($"/api/webhooks/{hook["id"]}/deliveries?limit=200")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray()];
            return attempts.Count >= 50;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.Equal(50, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(1, (int)a!["attempt"]!));
        Assert.Equal(50, attempts.Select(a => (string?)a!["messageId"]).Distinct().Count());
        Assert.Equal(50, receiver.Received.Count);
        Assert.All(receiver.Received, w => Assert.True(w.SignatureValid));
        Assert.Equal(50, receiver.Received.Select(w => (long)w.Json["data"]!["seq"]!).Distinct().Count());
    }

    [Fact]
    public async Task ArticleCountsOnEitherInstanceCountWatchersOnBoth()
    {
        var (watched, quiet) = (NewArticleId(), NewArticleId());
        string topicId;
        using (var cms = Publisher(cluster.A).Http())
        {
            topicId = (string)(await (await cms.PutAsJsonAsync($"/api/articles/{watched}", new { title = "W", url = "https://news.example/w" })).ReadAsync(HttpStatusCode.Created))["id"]!;
            await (await cms.PutAsJsonAsync($"/api/articles/{quiet}", new { title = "Q", url = "https://news.example/q" })).ReadAsync(HttpStatusCode.Created);
        }
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        await onA.WatchAsync(topicId);
        await using var onB = await cluster.B.Anonymous().ConnectAsync();
        await onB.WatchAsync(topicId);

        foreach (var (host, order) in new[] { (cluster.A, $"{watched},{quiet}"), (cluster.B, $"{quiet},{watched}") })
        {
            using var anonymous = host.Anonymous().Http();
            var items = (await (await anonymous.GetAsync($"/api/articles/counts?ids={order},unknown-article")).ReadAsync(HttpStatusCode.OK))["items"]!.AsObject();
            Assert.Equal(2, items.Count);
            Assert.Equal(2, (int)items[watched]!["watchers"]!);
            Assert.Equal(0, (int)items[quiet]!["watchers"]!);
        }
    }
}
