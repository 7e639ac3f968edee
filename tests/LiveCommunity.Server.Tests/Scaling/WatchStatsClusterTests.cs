using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>WatchStats across two instances: a topic changed on one reaches a stats watcher on the other.</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class WatchStatsClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task StatsOfATopicChangedOnOneInstanceReachAStatsWatcherOnTheOther()
    {
        // Nobody watches the list: B must count A's stats watcher (presence across instances) to send at all.
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync("Teased on A"))["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        await onA.Connection.InvokeAsync("WatchStats", new[] { topicId });

        await cluster.B.Member("Ben").PostReplyAsync(topicId, "posted on B");
        await onA.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["replyCount"]! == 1, timeoutMs: 30_000);

        // A reader joining on B counts too.
        await using var readerOnB = await cluster.B.Anonymous().ConnectAsync();
        await readerOnB.WatchAsync(topicId);
        await onA.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["watchers"]! == 1, timeoutMs: 30_000);
    }
}
