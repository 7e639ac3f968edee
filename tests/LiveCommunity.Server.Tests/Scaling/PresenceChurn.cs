using System.Diagnostics;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Scaling;

/// <summary>
/// Readers coming and going on both instances of a cluster, several a second each, while one watcher on A counts the
/// PresenceChanged it gets; every third reader stays until the churn is disposed.
/// </summary>
internal sealed class PresenceChurn : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _staying = [];

    private PresenceChurn(Watcher watcher) => Watcher = watcher;

    public Watcher Watcher { get; }

    /// <summary>PresenceChanged the watcher got during the churn.</summary>
    public int Sent { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    /// <summary>Watchers left when the churn ended: the counting one and those who stayed.</summary>
    public int Watchers => 1 + _staying.Count;

    public static async Task<PresenceChurn> RunAsync(ClusterFixture cluster, TimeSpan duration)
    {
        var topicId = (string)(await cluster.A.Moderator().CreateTopicAsync())["id"]!;
        var churn = new PresenceChurn(await cluster.A.Anonymous().ConnectAsync());
        await churn.Watcher.WatchAsync(topicId);
        var clock = Stopwatch.StartNew();
        var seenBefore = churn.Watcher.Of("PresenceChanged").Count;
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var host = i % 2 == 0 ? cluster.A : cluster.B;
            var reader = await host.Anonymous().ConnectAsync();
            await reader.WatchAsync(topicId);
            if (i % 3 == 0)
            {
                churn._staying.Add(reader);
            }
            else
            {
                await reader.DisposeAsync();
            }
            await Task.Delay(50);
        }
        churn.Elapsed = clock.Elapsed;
        churn.Sent = churn.Watcher.Of("PresenceChanged").Count - seenBefore;
        return churn;
    }

    /// <summary>Returns once the watcher got the count of those left, whichever instance saw the last change.</summary>
    public Task NewestCountArrivesAsync() =>
        Watcher.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == Watchers, timeoutMs: 30_000);

    public async ValueTask DisposeAsync()
    {
        foreach (var reader in _staying)
        {
            await reader.DisposeAsync();
        }
        await Watcher.DisposeAsync();
    }
}
