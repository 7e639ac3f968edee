using LiveCommunity.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace LiveCommunity.Server.Tests.Scaling;

[Trait("Category", TestCategories.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class PresenceHealingTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task WatchersOfAnInstanceThatDiedStopCountingWithoutAnyoneLeaving()
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        // An instance that was killed: its entry (5 watchers) was last refreshed a moment ago and never will be again.
        using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString))
        {
            var expires = DateTimeOffset.UtcNow.AddSeconds(10).ToUnixTimeMilliseconds();
            await redis.GetDatabase().HashSetAsync($"livecommunity:presence:{topicId}", "killed-instance", $"5:{expires}");
        }

        await using var onA = await cluster.A.Anonymous().ConnectAsync();
        Assert.Equal(6, (int)(await onA.WatchAsync(topicId))["watchers"]!);

        // Nobody joins or leaves: the heartbeat notices the dead entry expired and corrects every watcher's count.
        await onA.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 1, timeoutMs: 60_000);
    }
}
