using System.Diagnostics;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>
/// Two instances that treat a handful of watchers as a crowd: one delivery of presence a second per topic, and at
/// most 3 s between counts. A topic of three or more watchers gets its count every 3 s, not every second.
/// </summary>
public sealed class PresenceCrowdClusterFixture : ClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Presence:MaxDeliveriesPerSecond", "1"),
        new("Presence:MaxThrottle", "00:00:03"),
    ];
}

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class PresenceCrowdClusterTests(PresenceCrowdClusterFixture cluster) : IClassFixture<PresenceCrowdClusterFixture>
{
    [Fact]
    public async Task ACrowdComingAndGoingOnBothInstancesGetsItsCountOncePerLongerGapClusterWide()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher = await cluster.A.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        var clock = Stopwatch.StartNew();
        var seenBefore = watcher.Of("PresenceChanged").Count;
        var staying = new List<IAsyncDisposable>();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(9); i++)
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

        // One count per 3 s for the whole cluster. Each instance spacing only its own sends would give about twice
        // as many, and the plain one-second throttle three times as many. Slowness only lowers the count.
        Assert.True(sent <= elapsed.TotalSeconds / 3 + 2, $"{sent} PresenceChanged in {elapsed.TotalSeconds:F1} s");
        // The newest count still follows the last change, whichever instance saw it.
        await watcher.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 1 + staying.Count, timeoutMs: 30_000);
        foreach (var reader in staying)
        {
            await reader.DisposeAsync();
        }
    }
}
