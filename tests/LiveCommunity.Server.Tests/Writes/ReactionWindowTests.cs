using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Writes;

/// <summary>A host with a long coalescing window, so a reaction inside it can be looked at before its event goes.</summary>
public sealed class LongReactionWindowApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Reactions:CoalesceWindow", "00:00:05")];
}

/// <summary>
/// A reaction inside its target's coalescing window is stored and answered at once; its ReactionsChanged is owed
/// (recorded in the same transaction) and follows when the window ends, with the counts as they are then.
/// </summary>
public sealed class ReactionWindowTests(LongReactionWindowApp app) : IClassFixture<LongReactionWindowApp>
{
    [Fact]
    public async Task AReactionInsideTheWindowIsStoredAtOnceAndItsEventFollowsWhenTheWindowEnds()
    {
        var (topicId, replyId, watcher) = await ThreadAsync();
        await using var _ = watcher;
        Assert.Equal(1, await LikeAsync("Ann", replyId));
        await watcher.WaitForAsync("ReactionsChanged", e => (int)e["reactions"]!["like"]! == 1); // the first goes at once

        Assert.Equal(2, await LikeAsync("Ben", replyId)); // answered with its count, not held for the window
        await app.Member().WithDbAsync(async db =>
        {
            Assert.Equal(2, (await db.ReactionCounts.SingleAsync(c => c.TargetId == replyId && c.Kind == "like")).Count);
            Assert.True(await db.PendingReactionEvents.AnyAsync(p => p.TargetId == replyId), "the event is owed, and says so in storage");
            await LogConsistency.AssertAsync(db, topicId);
        });
        Assert.DoesNotContain(watcher.Of("ReactionsChanged"), e => (int)e["reactions"]!["like"]! == 2);

        await watcher.WaitForAsync("ReactionsChanged", e => (int)e["reactions"]!["like"]! == 2, timeoutMs: 30_000);
        await app.Member().WithDbAsync(async db => await LogConsistency.AssertAsync(db, topicId, nothingOwed: true));
    }

    [Fact]
    public async Task TheOwedEventOfAReplyRemovedMeanwhileIsNeverSent()
    {
        var (topicId, replyId, watcher) = await ThreadAsync();
        await using var _ = watcher;
        await LikeAsync("Ann", replyId);
        await watcher.WaitForAsync("ReactionsChanged", e => (int)e["reactions"]!["like"]! == 1);
        await LikeAsync("Ben", replyId);

        using (var http = app.Moderator().Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/replies/{replyId}")).StatusCode);
        }
        await watcher.WaitForAsync("ReplyRemoved", e => (string?)e["replyId"] == replyId);

        // The window ends, the owed event is settled without a word: the removal was the reply's last event.
        var owed = true;
        await Eventually.TrueAsync(async () =>
        {
            await app.Member().WithDbAsync(async db => owed = await db.PendingReactionEvents.AnyAsync(p => p.TargetId == replyId));
            return !owed;
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.False(owed);
        await app.Member().WithDbAsync(async db => await LogConsistency.AssertAsync(db, topicId, nothingOwed: true));
        Assert.DoesNotContain(watcher.Of("ReactionsChanged"), e => (int)e["reactions"]!["like"]! == 2);
        Assert.Equal("ReplyRemoved", watcher.Received.Last(e => e.Type != "PresenceChanged").Type);
    }

    [Fact]
    public async Task EveryReactionWhoseEventWaitsForTheWindowIsCountedAsCoalescedAndALoneOneIsNot()
    {
        using var coalesced = new HostCounter(app.Services, "livecommunity.reactions.coalesced");
        var (topicId, replyId, watcher) = await ThreadAsync();
        await using var _ = watcher;
        var lone = (string)(await app.Member("Author").PostReplyAsync(topicId, "liked once"))["id"]!;
        await LikeAsync("Ann", lone); // its event goes at once: nothing folded
        await LikeAsync("Ann", replyId); // so does the first of the storm's
        await watcher.WaitForAsync("ReactionsChanged", e => (string?)e["replyId"] == replyId);

        // The storm: each of these is stored at once and folded into the one event owed at the window's end.
        await Task.WhenAll(new[] { "Ben", "Cat", "Dan", "Eve" }.Select(user => LikeAsync(user, replyId)));

        // Counted when its batch is published, just after the answers: wait for the last of the storm's batches.
        await Eventually.TrueAsync(() => coalesced.Total >= 4);
        Assert.Equal(4, coalesced.Total);
        await watcher.WaitForAsync("ReactionsChanged", e => (string?)e["replyId"] == replyId && (int)e["reactions"]!["like"]! == 5,
            timeoutMs: 30_000);
        Assert.Equal(4, coalesced.Total); // the flush that sends the owed event folds nothing more
    }

    private async Task<(string TopicId, string ReplyId, Watcher Watcher)> ThreadAsync()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await app.Member("Author").PostReplyAsync(topicId, "react to me"))["id"]!;
        var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        return (topicId, replyId, watcher);
    }

    private async Task<int> LikeAsync(string user, string replyId)
    {
        using var http = app.Member(user).Http();
        var answer = await (await http.PutAsync($"/api/replies/{replyId}/reactions/like", null)).ReadAsync(HttpStatusCode.OK);
        return (int)answer["reactions"]!["like"]!;
    }
}
