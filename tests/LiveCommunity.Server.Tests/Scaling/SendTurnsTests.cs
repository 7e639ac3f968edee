using System.Diagnostics;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>
/// PresenceChanged is "about one a second per topic" (PROTOCOL.md) however many instances readers come and go on:
/// the instances take turns through Redis instead of each sending its own once a second.
/// </summary>
[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class SendTurnsTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ReadersComingAndGoingOnBothInstancesYieldAboutOnePresenceChangedPerSecond()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher = await cluster.A.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        // Joins and leaves on both instances, several a second each, for a few seconds.
        var clock = Stopwatch.StartNew();
        var seenBefore = watcher.Of("PresenceChanged").Count;
        var staying = new List<IAsyncDisposable>();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(5); i++)
        {
            var host = i % 2 == 0 ? cluster.A : cluster.B;
            var reader = await host.Anonymous().ConnectAsync();
            await reader.WatchAsync(topicId);
            if (i % 3 == 0)
            {
                staying.Add(reader);
            }
            else
            {
                await reader.DisposeAsync();
            }
            await Task.Delay(50);
        }
        var elapsed = clock.Elapsed;
        var sent = watcher.Of("PresenceChanged").Count - seenBefore;

        // One instance sends per window (1 s); one each would be about twice as many. Slowness only lowers the count.
        Assert.True(sent <= elapsed.TotalSeconds + 2, $"{sent} PresenceChanged in {elapsed.TotalSeconds:F1} s");
        // And the newest count is still sent, whichever instance saw the last change: the watcher and those staying.
        await watcher.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 1 + staying.Count, timeoutMs: 30_000);
        foreach (var reader in staying)
        {
            await reader.DisposeAsync();
        }
    }
}
