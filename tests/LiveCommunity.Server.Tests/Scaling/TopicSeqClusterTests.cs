using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>Two instances whose heartbeat never comes within a test: what converges does so because of the outage's end.</summary>
public sealed class NoHeartbeatClusterFixture : ClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Realtime:SeqHeartbeat", "01:00:00")];
}

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class TopicSeqClusterTests(NoHeartbeatClusterFixture cluster) : IClassFixture<NoHeartbeatClusterFixture>
{
    [Fact]
    public async Task AQuietTopicConvergesAfterARedisOutage()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await cluster.B.Member().PostReplyAsync(topicId, "soon removed"))["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        Assert.Equal(1, (long)(await onA.WatchAsync(topicId))["lastSeq"]!);

        cluster.Redis.Stop();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        await cluster.B.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        // A removal on B while Redis is down: A's watcher cannot hear of it, and nothing else happens in the topic.
        using (var moderator = cluster.B.Moderator().Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{replyId}?reason=spam")).StatusCode);
        }
        await cluster.Redis.RestartAsync();
        await cluster.A.WaitForReadinessAsync(HttpStatusCode.OK);

        // Once Redis is back, A's watcher is told the topic's last seq, is behind, and replays what it missed.
        var told = await onA.WaitForAsync("TopicSeq", e => (string?)e["topicId"] == topicId, timeoutMs: 60_000);
        Assert.Equal(2, (long)told["lastSeq"]!);
        Assert.Empty(onA.LiveBySeq(topicId));
        var replay = await onA.WatchAsync(topicId, 1);
        var missed = Assert.Single(replay["missed"]!.AsArray())!;
        Assert.Equal("ReplyRemoved", (string?)missed["type"]);
        Assert.Equal(replyId, (string?)missed["replyId"]);
    }
}
