using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>WatchStats (PROTOCOL.md v3 "Articles"): TopicStats of chosen topics, for teaser lists with live counts.</summary>
public sealed class WatchStatsTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<string> NewTopicAsync(string title = "A topic") => (string)(await app.Moderator().CreateTopicAsync(title))["id"]!;

    private Task<int> StatsWatchersAsync() => app.Services.GetRequiredService<IPresence>().CountAsync(TopicListBroadcaster.StatsPresenceKey);

    private static Task WatchStatsAsync(Watcher watcher, params string[] topicIds) => watcher.Connection.InvokeAsync("WatchStats", topicIds);

    private int LocalGroups =>
        ((LocalDeliveryHubLifetimeManager<DiscussionHub>)app.Services.GetRequiredService<HubLifetimeManager<DiscussionHub>>()).GroupCount;

    [Fact]
    public async Task TooManyEmptyOrOverlongIdsAreRefusedAndChangeNothing()
    {
        await using var watcher = await app.Anonymous().ConnectAsync();
        var groupsBefore = LocalGroups;
        var tooMany = Enumerable.Range(0, 101).Select(i => $"t_{i}").ToArray();
        Assert.Contains("at most 100 topics", (await Assert.ThrowsAsync<HubException>(() => WatchStatsAsync(watcher, tooMany))).Message);
        Assert.Contains("must be at most 64 characters",
            (await Assert.ThrowsAsync<HubException>(() => WatchStatsAsync(watcher, "t_fine", new string('t', 65)))).Message);
        Assert.Contains("must not be empty", (await Assert.ThrowsAsync<HubException>(() => WatchStatsAsync(watcher, ""))).Message);
        Assert.Contains("control characters", (await Assert.ThrowsAsync<HubException>(() => WatchStatsAsync(watcher, "t_\n"))).Message);
        Assert.Contains("list of topic ids",
            (await Assert.ThrowsAsync<HubException>(() => watcher.Connection.InvokeAsync("WatchStats", (string[]?)null))).Message);
        Assert.Equal(groupsBefore, LocalGroups);
        Assert.Equal(0, await StatsWatchersAsync());
        // A hundred is allowed, and the connection is still fine after the refusals.
        await WatchStatsAsync(watcher, [.. Enumerable.Range(0, 100).Select(i => $"t_{i}")]);
        Assert.Equal(HubConnectionState.Connected, watcher.Connection.State);
        Assert.Equal(1, await StatsWatchersAsync());
    }

    [Fact]
    public async Task WatchedTopicsGetTheirStatsAndOtherTopicsNone()
    {
        var watched = await NewTopicAsync("Watched");
        var other = await NewTopicAsync("Other");
        await using var teasers = await app.Anonymous().ConnectAsync();
        await WatchStatsAsync(teasers, watched);

        await app.Member().PostReplyAsync(other, "not for the teasers");
        await app.Member().PostReplyAsync(watched, "for the teasers");
        var stats = await teasers.WaitForAsync("TopicStats", e => (string?)e["topicId"] == watched && (int)e["replyCount"]! == 1);
        Assert.Equal(0, (int)stats["watchers"]!);
        Assert.Equal(0, (int)stats["reactions"]!["like"]!);
        // A list watcher sees the other topic's stats: by then they were sent, and never to the teasers.
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();
        await app.Member().PostReplyAsync(other, "again");
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == other && (int)e["replyCount"]! == 2);
        Assert.Empty(teasers.StatsOf(other));
        Assert.Empty(teasers.Of("TopicPosted"));
    }

    [Fact]
    public async Task EachCallReplacesTheSetAndUnwatchStatsStopsThem()
    {
        var first = await NewTopicAsync("First");
        var second = await NewTopicAsync("Second");
        await using var teasers = await app.Anonymous().ConnectAsync();
        await using var list = await app.Anonymous().ConnectAsync();
        await list.WatchTopicsAsync();

        await WatchStatsAsync(teasers, first);
        await WatchStatsAsync(teasers, second); // the first is no longer watched
        await app.Member().PostReplyAsync(first, "one");
        await app.Member().PostReplyAsync(second, "one");
        await teasers.WaitForAsync("TopicStats", e => (string?)e["topicId"] == second && (int)e["replyCount"]! == 1);
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == first && (int)e["replyCount"]! == 1);
        Assert.Empty(teasers.StatsOf(first));

        await teasers.Connection.InvokeAsync("UnwatchStats");
        await teasers.Connection.InvokeAsync("UnwatchStats"); // twice is harmless
        Assert.Equal(0, await StatsWatchersAsync());
        await app.Member().PostReplyAsync(second, "two");
        await list.WaitForAsync("TopicStats", e => (string?)e["topicId"] == second && (int)e["replyCount"]! == 2);
        // Watched again: what follows arrives, what was sent while unwatched never does.
        await WatchStatsAsync(teasers, second);
        await app.Member().PostReplyAsync(second, "three");
        await teasers.WaitForAsync("TopicStats", e => (string?)e["topicId"] == second && (int)e["replyCount"]! == 3);
        Assert.DoesNotContain(teasers.StatsOf(second), e => (int)e["replyCount"]! == 2);
    }

    [Fact]
    public async Task ADisconnectOrAnEmptyListLeavesNothingBehind()
    {
        var topicId = await NewTopicAsync();
        var groupsBefore = LocalGroups;
        var teasers = await app.Anonymous().ConnectAsync();
        await WatchStatsAsync(teasers, topicId, "t_not_a_topic");
        Assert.Equal(1, await StatsWatchersAsync());
        Assert.Equal(groupsBefore + 2, LocalGroups);
        await WatchStatsAsync(teasers);
        Assert.Equal(0, await StatsWatchersAsync());
        Assert.Equal(groupsBefore, LocalGroups);

        await WatchStatsAsync(teasers, topicId);
        await teasers.DisposeAsync();
        await Eventually.TrueAsync(async () => LocalGroups == groupsBefore && await StatsWatchersAsync() == 0);
        Assert.Equal(groupsBefore, LocalGroups);
        Assert.Equal(0, await StatsWatchersAsync());
    }
}
