using System.Diagnostics;
using System.Net;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>The live topic list (PROTOCOL.md v2): WatchTopics, TopicPosted and throttled TopicStats.</summary>
public sealed class TopicListTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<string> NewTopicAsync(string title = "A topic") => (string)(await app.Moderator().CreateTopicAsync(title))["id"]!;

    [Fact]
    public async Task ANewTopicReachesListWatchersWithoutMine()
    {
        await using var list = await app.Member().ConnectAsync();
        Assert.Empty(await list.WatchTopicsAsync()); // {}
        // Watching twice changes nothing (and sends nothing twice).
        Assert.Empty(await list.WatchTopicsAsync());

        var created = await app.Moderator("Mia").CreateTopicAsync("Harbour reopens");
        var posted = await list.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == (string?)created["id"]);
        var topic = posted["topic"]!.AsObject();
        Assert.Equal("Harbour reopens", (string?)topic["title"]);
        Assert.Equal("Mia", (string?)topic["author"]!["name"]);
        Assert.Equal(0, (int)topic["replyCount"]!);
        Assert.Equal(0, (long)topic["lastSeq"]!);
        Assert.False(topic.ContainsKey("mine"), "events never carry mine");
        // The REST answer's topic, but for mine.
        var expected = created.DeepClone().AsObject();
        expected.Remove("mine");
        Assert.Equal(expected.ToJsonString(), topic.ToJsonString());
        Assert.Single(list.Of("TopicPosted"), e => (string?)e["topic"]!["id"] == (string?)created["id"]);
    }

    [Fact]
    public async Task ABurstOfFiftyRepliesYieldsFewTopicStatsAndTheLastHasTheCounts()
    {
        var topicId = await NewTopicAsync();
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(w => Task.Run(async () =>
        {
            var writer = app.Member($"Writer{w}");
            for (var i = 0; i < 10; i++)
            {
                await writer.PostReplyAsync(topicId, $"reply {i} of writer {w}");
            }
        })));
        var last = await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["replyCount"]! == 50);
        var elapsed = clock.Elapsed;

        Assert.Equal(0, (int)last["watchers"]!);
        Assert.Equal(0, (int)last["reactions"]!["like"]!);
        var stats = list.StatsOf(topicId);
        // One at once, then at most one per second while the burst lasts, and one after it.
        Assert.True(stats.Count <= 2 + (int)Math.Ceiling(elapsed.TotalSeconds), $"{stats.Count} TopicStats in {elapsed.TotalSeconds:F1} s");
        Assert.True(stats.Count < 50);
        Assert.Equal(50, (int)stats[^1]["replyCount"]!);
        // Counts only ever grew during the burst: each TopicStats reads the counts as they are when it is sent.
        Assert.Equal(stats.Select(s => (int)s["replyCount"]!).Order(), stats.Select(s => (int)s["replyCount"]!));
    }

    [Fact]
    public async Task TopicStatsFollowTopicReactionsRemovalsAndWatchers()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member("Ann");
        var replyId = (string)(await author.PostReplyAsync(topicId, "soon gone"))["id"]!;
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();

        using (var http = app.Member("Liker").Http())
        {
            (await http.PutAsync($"/api/topics/{topicId}/reactions/insightful", null)).EnsureSuccessStatusCode();
        }
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["reactions"]!["insightful"]! == 1);

        await using var reader = await app.Anonymous().ConnectAsync();
        await reader.WatchAsync(topicId);
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["watchers"]! == 1);

        using (var http = author.Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/replies/{replyId}")).StatusCode);
        }
        var last = await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["replyCount"]! == 0);
        Assert.Equal(1, (int)last["watchers"]!);
        Assert.Equal(1, (int)last["reactions"]!["insightful"]!);

        await reader.DisposeAsync();
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["watchers"]! == 0);
    }

    [Fact]
    public async Task UnwatchTopicsStopsThem()
    {
        var topicId = await NewTopicAsync();
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();
        await app.Member().PostReplyAsync(topicId, "seen");
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["replyCount"]! == 1);

        await list.Connection.InvokeAsync("UnwatchTopics");
        await list.Connection.InvokeAsync("UnwatchTopics"); // twice is harmless
        var unseen = await NewTopicAsync("Not for the list");
        await app.Member().PostReplyAsync(topicId, "not seen");
        // Watch again: what follows arrives, what came while unwatched never does (sends are issued before a
        // write answers, and one connection's messages keep their order).
        await list.WatchTopicsAsync();
        var seen = await NewTopicAsync("For the list again");
        await list.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == seen);
        Assert.DoesNotContain(list.Of("TopicPosted"), e => (string?)e["topic"]!["id"] == unseen);
    }

    [Fact]
    public async Task ConnectionsThatDoNotWatchTheListGetNoneOfIt()
    {
        var topicId = await NewTopicAsync();
        await using var reader = await app.Anonymous().ConnectAsync();
        await reader.WatchAsync(topicId);
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();

        await app.Member().PostReplyAsync(topicId, "hello");
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == topicId && (int)e["replyCount"]! == 1);
        await reader.WaitForAsync("ReplyPosted");
        var created = await NewTopicAsync("Another");
        await list.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == created);
        // The reader's next event is its own topic's: anything of the list would have come before it.
        await app.Member().PostReplyAsync(topicId, "again");
        await reader.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["body"] == "again");
        Assert.Empty(reader.Of("TopicPosted"));
        Assert.Empty(reader.Of("TopicStats"));
    }

    [Fact]
    public async Task QuietTopicsLeaveTheThrottle()
    {
        var broadcaster = app.Services.GetRequiredService<TopicListBroadcaster>();
        var topicId = await NewTopicAsync();
        await using var reader = await app.Anonymous().ConnectAsync();
        await reader.WatchAsync(topicId);
        // Nobody watches the list: a reply is still posted, announced to the topic, and nothing else happens.
        await app.Member().PostReplyAsync(topicId, "nobody lists this");
        await reader.WaitForAsync("ReplyPosted");
        Assert.Empty(reader.Of("TopicStats"));

        // Within two throttle windows of the last change, the throttle forgets every quiet topic.
        await Eventually.TrueAsync(() => broadcaster.PendingTopics == 0, every: TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, broadcaster.PendingTopics);
    }

    [Fact]
    public async Task OneListWatcherLeavingLeavesTheOthersWatching()
    {
        // List watchers are counted with presence; one leaving must not make the list look unwatched.
        await using var first = await app.Anonymous().ConnectAsync();
        await using var second = await app.Anonymous().ConnectAsync();
        await first.WatchTopicsAsync();
        await second.WatchTopicsAsync();
        await first.DisposeAsync();
        var created = await NewTopicAsync("After one left");
        await second.WaitForAsync("TopicPosted", e => (string?)e["topic"]!["id"] == created);
    }
}
