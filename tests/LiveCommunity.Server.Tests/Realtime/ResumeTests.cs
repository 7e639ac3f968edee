using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Realtime;

public sealed class ResumeTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task AReturningWatcherGetsExactlyTheMissedEventsInOrderWithRemovedTextScrubbed()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reader = app.Anonymous();
        var author = app.Member();
        long lastSeq;
        await using (var watcher = await reader.ConnectAsync())
        {
            await watcher.WatchAsync(topicId);
            await author.PostReplyAsync(topicId, "seen live");
            lastSeq = (long)(await watcher.WaitForAsync("ReplyPosted"))["seq"]!;
        }

        var missedReplies = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            missedReplies.Add((string)(await author.PostReplyAsync(topicId, $"missed {i} secret-{i}"))["id"]!);
        }
        using (var http = author.Http())
        {
            (await http.DeleteAsync($"/api/replies/{missedReplies[2]}")).EnsureSuccessStatusCode();
        }

        await using var back = await reader.ConnectAsync();
        var result = await back.WatchAsync(topicId, lastSeq);
        Assert.False((bool)result["reset"]!);
        Assert.Equal(7, (long)result["lastSeq"]!);
        var missed = result["missed"]!.AsArray();
        Assert.Equal([2L, 3, 4, 5, 6, 7], missed.Select(e => (long)e!["seq"]!));
        Assert.Equal(["ReplyPosted", "ReplyPosted", "ReplyRemoved", "ReplyPosted", "ReplyPosted", "ReplyRemoved"],
            missed.Select(e => (string)e!["type"]!));
        Assert.All(missed, e => Assert.Equal(topicId, (string?)e!["topicId"]));
        // The removed reply's own ReplyPosted (seq 4) comes back as ReplyRemoved, and its text is nowhere.
        Assert.Equal(missedReplies[2], (string?)missed[2]!["replyId"]);
        Assert.Equal(missedReplies[2], (string?)missed[5]!["replyId"]);
        Assert.DoesNotContain("secret-3", result.ToJsonString());
        Assert.Equal(missedReplies[3], (string?)missed[3]!["reply"]!["id"]);
        Assert.Equal("missed 4 secret-4", (string?)missed[3]!["reply"]!["body"]);
    }

    [Fact]
    public async Task WatchingWithTheCurrentSeqOrNoneReturnsNothingMissed()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await app.Member().PostReplyAsync(topicId, "one");
        await using var watcher = await app.Anonymous().ConnectAsync();
        var fresh = await watcher.WatchAsync(topicId);
        Assert.Equal(1, (long)fresh["lastSeq"]!);
        Assert.Empty(fresh["missed"]!.AsArray());
        var current = await watcher.WatchAsync(topicId, 1);
        Assert.False((bool)current["reset"]!);
        Assert.Empty(current["missed"]!.AsArray());
        var all = await watcher.WatchAsync(topicId, 0);
        Assert.Single(all["missed"]!.AsArray());
    }

    [Fact]
    public async Task ASeqFromTheFutureResetsTheClient()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher = await app.Anonymous().ConnectAsync();
        var result = await watcher.WatchAsync(topicId, 99);
        Assert.True((bool)result["reset"]!);
        Assert.Empty(result["missed"]!.AsArray());
    }
}

/// <summary>A host that keeps only the last three events per topic.</summary>
public sealed class ShortRetentionApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("EventLog:MaxEventsPerTopic", "3")];
}

public sealed class RetentionTests(ShortRetentionApp app) : IClassFixture<ShortRetentionApp>
{
    [Fact]
    public async Task AWatcherBeyondRetentionIsToldToReset()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        for (var i = 0; i < 6; i++)
        {
            await author.PostReplyAsync(topicId, $"reply {i}");
        }
        await using var watcher = await app.Anonymous().ConnectAsync();

        var tooFar = await watcher.WatchAsync(topicId, 1);
        Assert.True((bool)tooFar["reset"]!);
        Assert.Empty(tooFar["missed"]!.AsArray());
        Assert.Equal(6, (long)tooFar["lastSeq"]!);

        var withinReach = await watcher.WatchAsync(topicId, 3);
        Assert.False((bool)withinReach["reset"]!);
        Assert.Equal([4L, 5, 6], withinReach["missed"]!.AsArray().Select(e => (long)e!["seq"]!));

        // After a reset the client reloads over REST; the page's lastSeq is where it resumes from.
        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(6, page["items"]!.AsArray().Count);
        Assert.Equal(6, (long)page["lastSeq"]!);
    }
}
