using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>The live topic list across two instances: what happens on one reaches list watchers on the other.</summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class TopicListClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task TopicsAndTheirStatsFromOneInstanceReachListWatchersOnTheOther()
    {
        await using var onB = await cluster.B.Anonymous().ConnectAsync();
        await onB.WatchTopicsAsync();
        await using var alsoOnA = await cluster.A.Anonymous().ConnectAsync();
        await alsoOnA.WatchTopicsAsync();

        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync("Made on A"))["id"]!;
        foreach (var list in new[] { onB, alsoOnA })
        {
            await list.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == topicId);
        }

        // A reply and a topic reaction written on A, a reader joining on A: B's list watcher sees the counts.
        await cluster.A.Member("Ann").PostReplyAsync(topicId, "posted on A");
        using (var http = cluster.A.Member("Liker").Http())
        {
            (await http.PutAsync($"/api/topics/{topicId}/reactions/like", null)).EnsureSuccessStatusCode();
        }
        await using var reader = await cluster.A.Anonymous().ConnectAsync();
        await reader.WatchAsync(topicId);
        await onB.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId
            && (int)e["replyCount"]! == 1 && (int)e["reactions"]!["like"]! == 1 && (int)e["watchers"]! == 1, timeoutMs: 30_000);

        // A reader joining on B counts too, seen from A.
        await using var readerOnB = await cluster.B.Anonymous().ConnectAsync();
        await readerOnB.WatchAsync(topicId);
        await alsoOnA.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["watchers"]! == 2, timeoutMs: 30_000);
    }

    [Fact]
    public async Task AListWatchedOnlyOnOneInstanceStillGetsTheOthersNews()
    {
        // B alone watches the list; A must still count it as watched (presence across instances) and send.
        await using var onB = await cluster.B.Anonymous().ConnectAsync();
        await onB.WatchTopicsAsync();
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync("Only B lists"))["id"]!;
        await onB.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == topicId);

        await onB.Connection.InvokeAsync("UnwatchTopics");
        var unseen = (string)(await cluster.A.Moderator().CreateTopicAsync("Nobody lists"))["id"]!;
        await onB.WatchTopicsAsync();
        var seen = (string)(await cluster.A.Moderator().CreateTopicAsync("B lists again"))["id"]!;
        await onB.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == seen);
        Assert.DoesNotContain(onB.Of("TopicPosted"), e => (string?)e["topic"]!["id"] == unseen);
    }
}
