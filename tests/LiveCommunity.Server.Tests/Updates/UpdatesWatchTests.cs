using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Updates;

/// <summary>A host that beats often (UpdatesSeq soon) and lets a connection watch two topics' updates.</summary>
public sealed class UpdatesWatchApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Realtime:SeqHeartbeat", "00:00:00.200"), new("Limits:MaxWatchedTopics", "2")];
}

/// <summary>
/// WatchUpdates (docs/protocol.md "Updates-only watch"): a live blog's readers get the newsroom's update events and
/// never the discussion's, live, by replay and by heartbeat.
/// </summary>
public sealed class UpdatesWatchTests(UpdatesWatchApp app) : IClassFixture<UpdatesWatchApp>
{
    private TestUser Journalist() => new(app, Users.Make("Jo", "journalist"));

    private static async Task<string> PostUpdateAsync(HttpClient http, string topicId, string body) =>
        (string)(await (await http.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body })).ReadAsync(HttpStatusCode.Created))["id"]!;

    [Fact]
    public async Task AnUpdatesWatcherGetsEveryUpdateEventLiveAndNoneOfTheDiscussion()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        await author.PostReplyAsync(topicId, "before");
        await using var reader = await app.Anonymous().ConnectAsync();
        var watched = await reader.WatchUpdatesAsync(topicId);
        Assert.Equal(1, (long)watched["lastSeq"]!);
        Assert.Empty(watched["missed"]!.AsArray());

        using var jo = Journalist().Http();
        await author.PostReplyAsync(topicId, "a reply the reader does not get");
        var updateId = await PostUpdateAsync(jo, topicId, "**Breaking**");
        await author.PostReplyAsync(topicId, "another");
        await (await jo.PatchAsJsonAsync($"/api/updates/{updateId}", new { body = "**Breaking**, corrected" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await jo.DeleteAsync($"/api/updates/{updateId}")).StatusCode);

        await reader.WaitUntilAsync(r => r.LiveBySeq(topicId).Count == 3, what: "three update events");
        var live = reader.LiveBySeq(topicId);
        Assert.Equal([3L, 5L, 6L], live.Keys);
        Assert.Equal(["UpdatePosted", "UpdateEdited", "UpdateRemoved"], live.Values.Select(e => e.Type));
        // Sends to one connection keep their order: the replies (seq 2 and 4) went out before the updates after them.
        Assert.Empty(reader.Of("ReplyPosted"));
        Assert.Empty(reader.Of("PresenceChanged"));

        // Unwatching stops them; a full watcher of the same topic still gets everything.
        await reader.Connection.InvokeAsync("UnwatchUpdates", topicId);
        await using var full = await app.Anonymous().ConnectAsync();
        await full.WatchAsync(topicId);
        await PostUpdateAsync(jo, topicId, "after");
        await full.WaitForAsync("UpdatePosted");
        Assert.Equal(3, reader.LiveBySeq(topicId).Count);
    }

    [Fact]
    public async Task AResumeReplaysOnlyTheMissedUpdatesInSeqOrder()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        using var jo = Journalist().Http();
        var first = await PostUpdateAsync(jo, topicId, "first");
        await author.PostReplyAsync(topicId, "talk");
        var second = await PostUpdateAsync(jo, topicId, "second");
        await author.PostReplyAsync(topicId, "more talk");

        await using var reader = await app.Anonymous().ConnectAsync();
        var resumed = await reader.WatchUpdatesAsync(topicId, 1);
        Assert.Equal(4, (long)resumed["lastSeq"]!);
        Assert.False((bool)resumed["reset"]!);
        var missed = resumed["missed"]!.AsArray();
        Assert.Equal([3L], missed.Select(e => (long)e!["seq"]!));
        Assert.Equal(second, (string?)missed[0]!["update"]!["id"]);
        Assert.Equal("UpdatePosted", (string?)missed[0]!["type"]);

        // Nothing missed: nothing replayed; a seq the topic never reached: a reset, as Watch answers.
        Assert.Empty((await reader.WatchUpdatesAsync(topicId, 4))["missed"]!.AsArray());
        Assert.True((bool)(await reader.WatchUpdatesAsync(topicId, 99))["reset"]!);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task UpdatesWatchersHearTheNewestUpdatesSeqNotTheTopicsLastSeq()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var jo = Journalist().Http();
        await PostUpdateAsync(jo, topicId, "the only update");
        await app.Member().PostReplyAsync(topicId, "talk after it");
        await using var reader = await app.Anonymous().ConnectAsync();
        Assert.Equal(2, (long)(await reader.WatchUpdatesAsync(topicId))["lastSeq"]!);

        var beat = await reader.WaitForAsync("UpdatesSeq", e => (string?)e["topicId"] == topicId);
        // Seq 1 is the update; the reply's seq 2 must not send the reader replaying every heartbeat.
        Assert.Equal(1, (long)beat["lastSeq"]!);
        Assert.Equal(["topicId", "lastSeq"], beat.Select(p => p.Key));
        Assert.Empty(reader.Of("TopicSeq"));
    }

    [Fact]
    public async Task BadWatchUpdatesCallsAreRefusedAndChangeNothing()
    {
        await using var reader = await app.Anonymous().ConnectAsync();
        var unknown = await Assert.ThrowsAsync<HubException>(() => reader.WatchUpdatesAsync("no-such-topic"));
        Assert.Contains("topic not found", unknown.Message, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<HubException>(() => reader.WatchUpdatesAsync(" "));
        Assert.Contains("topicId", empty.Message, StringComparison.Ordinal);

        var topics = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            topics.Add((string)(await app.Moderator().CreateTopicAsync())["id"]!);
        }
        await reader.WatchUpdatesAsync(topics[0]);
        await reader.WatchUpdatesAsync(topics[1]);
        await reader.WatchUpdatesAsync(topics[1]); // again: no second place taken
        var third = await Assert.ThrowsAsync<HubException>(() => reader.WatchUpdatesAsync(topics[2]));
        Assert.Contains("at most 2", third.Message, StringComparison.Ordinal);

        // The refused topic sends nothing; after an unwatch there is room again.
        using var jo = Journalist().Http();
        await PostUpdateAsync(jo, topics[2], "not for this reader");
        await PostUpdateAsync(jo, topics[0], "for this reader");
        await reader.WaitForAsync("UpdatePosted", e => (string?)e["topicId"] == topics[0]);
        Assert.DoesNotContain(reader.Of("UpdatePosted"), e => (string?)e["topicId"] == topics[2]);
        await reader.Connection.InvokeAsync("UnwatchUpdates", topics[1]);
        Assert.Equal(1, (long)(await reader.WatchUpdatesAsync(topics[2]))["lastSeq"]!);
    }
}
