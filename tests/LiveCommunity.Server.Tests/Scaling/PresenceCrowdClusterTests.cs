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
        // Joins and leaves on both instances, several a second each.
        await using var churn = await PresenceChurn.RunAsync(cluster, TimeSpan.FromSeconds(9));

        // One count per 3 s for the whole cluster. Each instance spacing only its own sends would give about twice
        // as many, and the plain one-second throttle three times as many. Slowness only lowers the count.
        Assert.True(churn.Sent <= churn.Elapsed.TotalSeconds / 3 + 2, $"{churn.Sent} PresenceChanged in {churn.Elapsed.TotalSeconds:F1} s");
        // The newest count still follows the last change, whichever instance saw it.
        await churn.NewestCountArrivesAsync();
    }
}
