using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>
/// Two instances whose send bound cuts a stalled reader off only past a number (more than 32 sends waiting),
/// never on a timeout within the test, and whose replays hold everything the test posts.
/// </summary>
public sealed class StalledReaderClusterFixture : ClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:MaxPendingSends", "2"),
        new("Limits:StalledSendTimeout", "00:10:00"),
        new("EventLog:MaxReplayBytes", "2000000"),
    ];
}

/// <summary>
/// With Redis up, a watcher that never reads costs the other watchers on its instance nothing: the backplane's
/// subscription used to wait for every local member's write, so one stalled member held the topic's channel.
/// </summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class StalledReaderClusterTests(StalledReaderClusterFixture cluster) : IClassFixture<StalledReaderClusterFixture>
{
    [Fact]
    public async Task AStalledReaderDelaysNoOtherWatcherOnItsInstanceAndIsCutOffAndResumes()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var group = TopicEventPublisher.GroupOf(topicId);
        var healthy = new List<Watcher>();
        for (var i = 0; i < 3; i++)
        {
            healthy.Add(await cluster.A.Anonymous().ConnectAsync());
            await healthy[i].WatchAsync(topicId);
        }
        // A connection of A's that joins the topic and never reads a byte (no transport timeout will drop it),
        // and one like it that reads.
        var delivery = (LocalDeliveryHubLifetimeManager<DiscussionHub>)cluster.A.Services.GetRequiredService<HubLifetimeManager<DiscussionHub>>();
        var stalled = new PipeConnection("stalled-" + Guid.NewGuid().ToString("N"));
        var reading = new PipeConnection("reading-" + Guid.NewGuid().ToString("N"));
        foreach (var connection in new[] { stalled, reading })
        {
            await delivery.OnConnectedAsync(connection.Context);
            await delivery.AddToGroupAsync(connection.Context.ConnectionId, group);
        }
        _ = reading.StartReading();

        // Replies written on B reach A's watchers through Redis: 30 × 3 KB, past the stalled reader's 64 KB buffer.
        var writer = cluster.B.Member("WriterB");
        var body = new string('x', 3000);
        const int first = 30;
        for (var i = 0; i < first; i++)
        {
            await writer.PostReplyAsync(topicId, $"{i} {body}");
        }
        foreach (var watcher in healthy)
        {
            await watcher.WaitUntilAsync(w => w.LiveBySeq(topicId).Count == first, what: $"{first} replies");
        }
        Assert.True(await Eventually.TrueAsync(() => reading.Received >= first, TimeSpan.FromSeconds(20)), $"the reading connection got {reading.Received}");
        // They got everything while the stalled reader, which never read, is still connected: nobody waited for it.
        Assert.False(stalled.Context.ConnectionAborted.IsCancellationRequested, "the stalled reader was cut off before the others got their replies");

        // More sends pile up on it until the bound (32 waiting) cuts it off; the others keep getting everything.
        var posted = first;
        while (!stalled.Context.ConnectionAborted.IsCancellationRequested && posted < 3 * first)
        {
            await writer.PostReplyAsync(topicId, $"{posted++} {body}");
        }
        Assert.True(stalled.Context.ConnectionAborted.IsCancellationRequested, "the stalled reader was never cut off");
        await delivery.OnDisconnectedAsync(stalled.Context); // what SignalR does once the abort has closed it
        foreach (var watcher in healthy)
        {
            await watcher.WaitUntilAsync(w => w.LiveBySeq(topicId).Count == posted, what: $"{posted} replies");
            Assert.Equal(Enumerable.Range(1, posted).Select(i => (long)i), watcher.LiveBySeq(topicId).Keys);
            await watcher.DisposeAsync();
        }
        await delivery.OnDisconnectedAsync(reading.Context);

        // Its client reconnects and resumes from the last seq it applied (none here), missing nothing.
        await using var resumed = await cluster.A.Anonymous().ConnectAsync();
        var replay = await resumed.WatchAsync(topicId, 0);
        Assert.False((bool)replay["reset"]!);
        Assert.Equal(posted, replay["missed"]!.AsArray().Count);
    }
}
