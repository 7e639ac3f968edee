using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>Two instances with small per-user and per-address windows that do not end within the tests.</summary>
public sealed class SharedLimitClusterFixture : ClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:RepliesPerWindow", "5"),
        new("Limits:ReplyWindow", "00:10:00"),
        new("Limits:ReportsPerWindow", "3"),
        new("Limits:ReportWindow", "00:10:00"),
        new("Limits:ReadsPerWindow", "6"),
        new("Limits:ReadWindow", "00:10:00"),
    ];
}

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class SharedLimitClusterTests(SharedLimitClusterFixture cluster) : IClassFixture<SharedLimitClusterFixture>
{
    [Fact]
    public async Task AMemberAlternatingInstancesGetsTheReplyAndReportLimitsOnceNotOncePerInstance()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var onA = cluster.A.Member("Spreader");
        var onB = new TestUser(cluster.B, onA.Identity);
        using var httpA = onA.Http();
        using var httpB = onB.Http();

        var replies = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var http = i % 2 == 0 ? httpA : httpB;
            replies.Add((await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"reply {i}" })).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 7)], replies);

        var targets = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            targets.Add((string)(await cluster.A.Member($"Author{i}").PostReplyAsync(topicId, $"target {i}"))["id"]!);
        }
        var reports = new List<HttpStatusCode>();
        for (var i = 0; i < targets.Count; i++)
        {
            var http = i % 2 == 0 ? httpA : httpB;
            reports.Add((await http.PostAsJsonAsync($"/api/replies/{targets[i]}/reports", new { reason = "spam" })).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], reports);
    }

    [Fact]
    public async Task OneAddressReadingFromBothInstancesGetsOneReadBudget()
    {
        // Every test client comes from the same (unknown) address, on either instance.
        using var a = cluster.A.Anonymous().Http();
        using var b = cluster.B.Anonymous().Http();
        var reads = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            reads.Add((await (i % 2 == 0 ? a : b).GetAsync("/api/topics")).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 6), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 4)], reads);
    }
}

/// <summary>Limits while Redis is down: counted per instance, never a 500 and never lifted.</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class SharedLimitOutageTests(SharedLimitClusterFixture cluster) : IClassFixture<SharedLimitClusterFixture>
{
    [Fact]
    public async Task WhileRedisIsDownEachInstanceStillLimitsOnItsOwnAndNothingFails()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        cluster.Redis.Stop();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        try
        {
            using var http = cluster.A.Member("DuringOutage").Http();
            var replies = new List<HttpStatusCode>();
            for (var i = 0; i < 7; i++)
            {
                replies.Add((await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"reply {i}" })).StatusCode);
            }
            Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)], replies);
        }
        finally
        {
            await cluster.Redis.RestartAsync();
            await cluster.A.WaitForReadinessAsync(HttpStatusCode.OK);
        }
    }
}
