using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>Two instances with a small per-connection invocation budget that does not refill within the test.</summary>
public sealed class LimitedClusterFixture : ClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:HubInvocationBurst", "4"),
        new("Limits:HubInvocationsPerSecond", "0.001"),
        new("Limits:HubRefusalsBeforeClose", "3"),
        new("Limits:HubRefusalWindow", "00:10:00"),
    ];
}

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class HubLimitClusterTests(LimitedClusterFixture cluster) : IClassFixture<LimitedClusterFixture>
{
    [Fact]
    public async Task AFloodingConnectionOnOneInstanceIsClosedWhileWatchersOnBothKeepTheirEvents()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        await onA.WatchAsync(topicId);
        await using var onB = await cluster.B.Anonymous().ConnectAsync();
        await onB.WatchAsync(topicId);

        var flooder = await cluster.A.Member("Flood").ConnectAsync();
        var closed = new TaskCompletionSource();
        flooder.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        for (var i = 0; i < 4; i++)
        {
            await flooder.WatchAsync(topicId);
        }
        var refused = await Assert.ThrowsAsync<HubException>(() => flooder.Connection.InvokeAsync<object>("PostReply", topicId, "spam", null));
        Assert.Matches(@"rate limited, retry in \d+ s", refused.Message);
        await Assert.ThrowsAsync<HubException>(() => flooder.WatchAsync(topicId));
        await Assert.ThrowsAnyAsync<Exception>(() => flooder.WatchAsync(topicId));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await flooder.DisposeAsync();

        // Nothing the flooder tried was stored; both instances' watchers go on, each with its own budget.
        var reply = await cluster.B.Member("Bea").PostReplyAsync(topicId, "after the flood");
        foreach (var watcher in new[] { onA, onB })
        {
            await watcher.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == (string?)reply["id"]);
            Assert.Single(watcher.Of("ReplyPosted"));
            Assert.Equal(HubConnectionState.Connected, watcher.Connection.State);
        }
    }
}
