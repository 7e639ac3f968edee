using System.Diagnostics;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

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
}
