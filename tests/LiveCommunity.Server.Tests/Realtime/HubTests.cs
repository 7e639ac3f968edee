using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Realtime;

public sealed class HubTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<string> NewTopicAsync() => (string)(await app.Moderator().CreateTopicAsync())["id"]!;

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.WebSockets)]
    public async Task TwoWatchersReceiveRepliesPostedOverRestAndOverTheHub(HttpTransportType transport)
    {
        var topicId = await NewTopicAsync();
        await using var first = await app.Anonymous().ConnectAsync(transport);
        await using var second = await app.Member().ConnectAsync(transport);
        var watched = await first.WatchAsync(topicId);
        await second.WatchAsync(topicId);
        Assert.Equal(0, (long)watched["lastSeq"]!);
        Assert.False((bool)watched["reset"]!);
        Assert.Empty(watched["missed"]!.AsArray());

        var overRest = await app.Member("Rita").PostReplyAsync(topicId, "posted over REST");
        await using var writer = await app.Member("Hugo").ConnectAsync(transport);
        var overHub = await writer.Connection.InvokeAsync<System.Text.Json.JsonElement>("PostReply", topicId, "posted over the hub", (string?)null);

        foreach (var watcher in new[] { first, second })
        {
            var restEvent = await watcher.WaitForAsync("ReplyPosted", e => (long)e["seq"]! == 1);
            Assert.Equal(topicId, (string?)restEvent["topicId"]);
            // The same reply, except that events never carry the caller-specific "mine".
            var expected = overRest.DeepClone().AsObject();
            Assert.True(expected.Remove("mine"));
            Assert.Equal(expected.ToJsonString(), restEvent["reply"]!.ToJsonString());
            var hubEvent = await watcher.WaitForAsync("ReplyPosted", e => (long)e["seq"]! == 2);
            Assert.Equal(overHub.GetProperty("id").GetString(), (string?)hubEvent["reply"]!["id"]);
            Assert.Equal("posted over the hub", (string?)hubEvent["reply"]!["body"]);
            Assert.Equal("Hugo", (string?)hubEvent["reply"]!["author"]!["name"]);
        }
    }

    [Fact]
    public async Task EditsRemovalsAndReactionsArriveWithConsecutiveSeqs()
    {
        var topicId = await NewTopicAsync();
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        var author = app.Member();
        var reply = await author.PostReplyAsync(topicId, "typo");
        var replyId = (string)reply["id"]!;
        using var http = author.Http();
        (await http.PatchAsJsonAsync($"/api/replies/{replyId}", new { body = "fixed" })).EnsureSuccessStatusCode();
        (await http.PutAsync($"/api/replies/{replyId}/reactions/like", null)).EnsureSuccessStatusCode();
        await watcher.WaitForAsync("ReactionsChanged");
        (await http.DeleteAsync($"/api/replies/{replyId}")).EnsureSuccessStatusCode();

        var removed = await watcher.WaitForAsync("ReplyRemoved");
        Assert.Equal(replyId, (string?)removed["replyId"]);
        var edited = await watcher.WaitForAsync("ReplyEdited");
        Assert.Equal("fixed", (string?)edited["reply"]!["body"]);
        var reactions = await watcher.WaitForAsync("ReactionsChanged");
        Assert.Equal(replyId, (string?)reactions["replyId"]);
        Assert.Equal(1, (int)reactions["reactions"]!["like"]!);

        var events = watcher.LiveBySeq(topicId);
        Assert.Equal([1L, 2, 3, 4], events.Keys);
        Assert.Equal(["ReplyPosted", "ReplyEdited", "ReactionsChanged", "ReplyRemoved"], events.Values.Select(e => e.Type));
    }

    [Fact]
    public async Task TopicReactionsAreBroadcastWithANullReplyId()
    {
        var topicId = await NewTopicAsync();
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        await using var reactor = await app.Member().ConnectAsync();
        await reactor.Connection.InvokeAsync<System.Text.Json.JsonElement>("SetReaction", topicId, (string?)null, "insightful", true);
        var changed = await watcher.WaitForAsync("ReactionsChanged");
        Assert.Null(changed["replyId"]);
        Assert.Equal(1, (int)changed["reactions"]!["insightful"]!);
        Assert.True(changed["reactions"]!.AsObject().ContainsKey("disagree"));
    }

    [Fact]
    public async Task AWatcherThatUnwatchesReceivesNothingMore()
    {
        var topicId = await NewTopicAsync();
        await using var leaving = await app.Anonymous().ConnectAsync();
        await using var staying = await app.Anonymous().ConnectAsync();
        await leaving.WatchAsync(topicId);
        await staying.WatchAsync(topicId);
        await app.Member().PostReplyAsync(topicId, "one");
        await leaving.WaitForAsync("ReplyPosted");

        await leaving.Connection.InvokeAsync("Unwatch", topicId);
        await app.Member().PostReplyAsync(topicId, "two");
        await staying.WaitForAsync("ReplyPosted", e => (long)e["seq"]! == 2);
        // The staying watcher got seq 2; both connections share one server, so the leaving one would have too.
        await app.Member().PostReplyAsync(topicId, "three");
        await staying.WaitForAsync("ReplyPosted", e => (long)e["seq"]! == 3);
        Assert.Equal([1L], leaving.LiveBySeq(topicId).Keys);
    }

    [Fact]
    public async Task PresenceCountsWatchersAndHealsAfterDisconnects()
    {
        var topicId = await NewTopicAsync();
        await using var first = await app.Anonymous().ConnectAsync();
        var joined = await first.WatchAsync(topicId);
        Assert.Equal(1, (int)joined["watchers"]!);

        var second = await app.Anonymous().ConnectAsync();
        var joinedToo = await second.WatchAsync(topicId);
        Assert.Equal(2, (int)joinedToo["watchers"]!);
        await first.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 2);

        await second.DisposeAsync();
        var after = await first.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 1 && first.Of("PresenceChanged").Any(p => (int)p["watchers"]! == 2));
        Assert.Equal(topicId, (string?)after["topicId"]);
        Assert.Null(after["seq"]);
    }

    [Fact]
    public async Task BadInputOverTheHubFailsTheCallButKeepsTheConnection()
    {
        var topicId = await NewTopicAsync();
        await using var anonymous = await app.Anonymous().ConnectAsync();
        var signIn = await Assert.ThrowsAsync<HubException>(() => anonymous.Connection.InvokeAsync<object>("PostReply", topicId, "hi", null));
        Assert.Contains("sign in to post", signIn.Message);

        await using var member = await app.Member().ConnectAsync();
        var empty = await Assert.ThrowsAsync<HubException>(() => member.Connection.InvokeAsync<object>("PostReply", topicId, "   ", null));
        Assert.Contains("body must not be empty", empty.Message);
        var missing = await Assert.ThrowsAsync<HubException>(() => member.Connection.InvokeAsync<object>("PostReply", "t_nope", "hi", null));
        Assert.Contains("topic not found", missing.Message);
        var kind = await Assert.ThrowsAsync<HubException>(() => member.Connection.InvokeAsync<object>("SetReaction", topicId, null, "love", true));
        Assert.Contains("kind must be one of like, insightful, disagree", kind.Message);
        var watch = await Assert.ThrowsAsync<HubException>(() => member.WatchAsync("t_nope"));
        Assert.Contains("topic not found", watch.Message);
        // Wrong argument types and unknown methods are refused by SignalR itself, also without closing.
        await Assert.ThrowsAsync<HubException>(() => member.Connection.InvokeAsync<object>("Watch", new { not = "a string" }, "x"));
        await Assert.ThrowsAsync<HubException>(() => member.Connection.InvokeAsync<object>("DropTables"));

        Assert.Equal(HubConnectionState.Connected, member.Connection.State);
        var reply = await member.Connection.InvokeAsync<System.Text.Json.JsonElement>("PostReply", topicId, "still here", null);
        Assert.Equal("still here", reply.GetProperty("body").GetString());

        using var http = app.Anonymous().Http();
        var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (long)topic["lastSeq"]!); // none of the refused calls took a seq
    }

    [Fact]
    public async Task ABadTokenIsRefusedAtConnectInsteadOfActingAnonymously()
    {
        var forged = new TestUser(app, Users.Make("forger", "moderator") with { Token = Users.Token(new() { ["sub"] = "x", ["name"] = "x" }, key: "another-key-that-is-long-enough-for-hs256!!") });
        var error = await Assert.ThrowsAnyAsync<Exception>(() => forged.ConnectAsync(HttpTransportType.LongPolling));
        Assert.Contains("401", error.Message);
    }
}
