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
        // Joins and leaves on both instances, several a second each.
        await using var churn = await PresenceChurn.RunAsync(cluster, TimeSpan.FromSeconds(5));

        // One instance sends per window (1 s); one each would be about twice as many. Slowness only lowers the count.
        Assert.True(churn.Sent <= churn.Elapsed.TotalSeconds + 2, $"{churn.Sent} PresenceChanged in {churn.Elapsed.TotalSeconds:F1} s");
        // And the newest count is still sent, whichever instance saw the last change: the watcher and those staying.
        await churn.NewestCountArrivesAsync();
    }
}
