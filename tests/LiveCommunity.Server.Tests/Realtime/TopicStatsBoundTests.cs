using System.Diagnostics;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Delivery;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>A host whose TopicStats bound is low enough for a test to outrun it many times over.</summary>
public sealed class SlowStatsAppFactory : AppFactory
{
    public const double PerSecond = 2;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("TopicList:MaxStatsPerSecond", "2")];
}

/// <summary>
/// A list watcher receives at most TopicList:MaxStatsPerSecond TopicStats in all (PROTOCOL.md v3: 10), however many
/// topics readers join and leave: the per-topic throttle alone let the cost grow with every topic that changed.
/// </summary>
public sealed class TopicStatsBoundTests(SlowStatsAppFactory app) : IClassFixture<SlowStatsAppFactory>
{
    [Fact]
    public async Task ReadersChurningThroughManyTopicsCannotFloodAListWatcher()
    {
        var topics = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            topics.Add((string)(await app.Moderator().CreateTopicAsync($"Topic {i}"))["id"]!);
        }
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();

        // Every Watch and Unwatch changes a topic's watchers: 30 topics, each with its own throttle, change at once.
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var reader = await app.Anonymous().ConnectAsync();
            foreach (var topicId in topics)
            {
                await reader.WatchAsync(topicId);
                await reader.Connection.InvokeAsync("Unwatch", topicId);
            }
        }));
        await list.WaitUntilAsync(w => w.Of("TopicStats").Count >= 12, timeoutMs: 60_000, what: "twelve TopicStats");
        var received = list.Of("TopicStats").Count;
        var elapsed = clock.Elapsed;

        // Sent at least 1/rate apart: n of them take (n - 1)/rate seconds at least, whatever else the machine does.
        Assert.True(received <= 1 + SlowStatsAppFactory.PerSecond * elapsed.TotalSeconds,
            $"{received} TopicStats in {elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task ReadersChurningThroughManyTopicsCannotFloodAStatsWatcher()
    {
        var topics = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            topics.Add((string)(await app.Moderator().CreateTopicAsync($"Teased {i}"))["id"]!);
        }
        await using var teasers = await app.Anonymous().ConnectAsync();
        await teasers.Connection.InvokeAsync("WatchStats", topics.ToArray());

        // The same pacer serves WatchStats: thirty topics changing at once still arrive at most 2 a second.
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var reader = await app.Anonymous().ConnectAsync();
            foreach (var topicId in topics)
            {
                await reader.WatchAsync(topicId);
                await reader.Connection.InvokeAsync("Unwatch", topicId);
            }
        }));
        await teasers.WaitUntilAsync(w => w.Of("TopicStats").Count >= 12, timeoutMs: 60_000, what: "twelve TopicStats");
        var received = teasers.Of("TopicStats").Count;
        var elapsed = clock.Elapsed;
        Assert.True(received <= 1 + SlowStatsAppFactory.PerSecond * elapsed.TotalSeconds,
            $"{received} TopicStats in {elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task TopicsThatKeepChangingWaitInLineOnceEach()
    {
        // The line moves at 2 a second while 30 topics keep changing for seconds: each topic must stand in it once
        // (its TopicStats reads the counts after the wait), not once more every window it changed (unbounded).
        var broadcaster = app.Services.GetRequiredService<TopicListBroadcaster>();
        var topics = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            topics.Add((string)(await app.Moderator().CreateTopicAsync($"Busy {i}"))["id"]!);
        }
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();
        // The other tests of this host leave their topics' TopicStats in line for a while: start from an empty one.
        Assert.True(await Eventually.TrueAsync(() => broadcaster.StatsWaiting == 0, within: TimeSpan.FromSeconds(60)), "the line never emptied");

        var longest = 0;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                longest = Math.Max(longest, broadcaster.StatsWaiting);
                await Task.Delay(20);
            }
        });
        var churnUntil = DateTime.UtcNow.AddSeconds(4); // four throttle windows of changes to every topic
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var reader = await app.Anonymous().ConnectAsync();
            while (DateTime.UtcNow < churnUntil)
            {
                foreach (var topicId in topics)
                {
                    await reader.WatchAsync(topicId);
                    await reader.Connection.InvokeAsync("Unwatch", topicId);
                }
            }
        }));
        await Task.Delay(TimeSpan.FromSeconds(2)); // the trailing flush of every topic joins the line too
        await stop.CancelAsync();
        await watch;

        Assert.True(longest > 0, "the line was never seen: the test measured nothing");
        Assert.True(longest <= topics.Count, $"{longest} TopicStats waited in line for {topics.Count} topics");
    }
}
