using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>WatchUpdates on a cluster: updates from the other instance, and convergence after a backplane outage.</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class UpdatesWatchClusterTests(NoHeartbeatClusterFixture cluster) : IClassFixture<NoHeartbeatClusterFixture>
{
    [Fact]
    public async Task AnUpdatesWatcherGetsTheOtherInstancesUpdatesAndCatchesUpAfterARedisOutage()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        Assert.Equal(0, (long)(await onA.WatchUpdatesAsync(topicId))["lastSeq"]!);
        using var jo = new TestUser(cluster.B, Users.Make("Jo", "journalist")).Http();

        await (await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "one" })).ReadAsync(HttpStatusCode.Created);
        Assert.Equal(1, (long)(await onA.WaitForAsync("UpdatePosted"))["seq"]!);
        await cluster.B.Member().PostReplyAsync(topicId, "talk");

        cluster.Redis.Stop();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        await cluster.B.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        // An update on B while Redis is down: A's reader cannot hear of it, and no later update will show the gap.
        await (await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "two" })).ReadAsync(HttpStatusCode.Created);
        await cluster.Redis.RestartAsync();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.OK);

        // Once Redis is back, A's reader is told the newest update's seq, is behind, and replays the update alone.
        var told = await onA.WaitForAsync("UpdatesSeq", e => (long)e["lastSeq"]! == 3, timeoutMs: 60_000);
        Assert.Equal(topicId, (string?)told["topicId"]);
        var missed = Assert.Single((await onA.WatchUpdatesAsync(topicId, 1))["missed"]!.AsArray())!;
        Assert.Equal(3, (long)missed["seq"]!);
        Assert.Equal("two", (string?)missed["update"]!["body"]);
        Assert.Empty(onA.Of("ReplyPosted"));
    }
}
