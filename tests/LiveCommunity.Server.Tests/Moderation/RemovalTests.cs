using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Moderation;

public sealed class RemovalTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task RemovedReplyDisappearsForEveryWatcherAndFromEveryPath()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member("Troll");
        var reply = await author.PostReplyAsync(topicId, "offensive text XYZZY");
        var replyId = (string)reply["id"]!;
        await using var live1 = await app.Anonymous().ConnectAsync();
        await using var live2 = await app.Member().ConnectAsync();
        await live1.WatchAsync(topicId);
        await live2.WatchAsync(topicId);

        // A reader who saw the reply, then went offline before the removal.
        var offline = await app.Anonymous().ConnectAsync();
        var before = await offline.WatchAsync(topicId, 0);
        Assert.Contains("XYZZY", before.ToJsonString());
        var offlineSeq = (long)before["lastSeq"]!;
        await offline.DisposeAsync();

        using var moderator = app.Moderator("Mod").Http();
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{replyId}?reason=insults")).StatusCode);

        foreach (var watcher in new[] { live1, live2 })
        {
            var removed = await watcher.WaitForAsync("ReplyRemoved");
            Assert.Equal(replyId, (string?)removed["replyId"]);
            Assert.Equal(topicId, (string?)removed["topicId"]);
        }

        // Replay from the start: the ReplyPosted comes back as ReplyRemoved with its seq, text nowhere.
        await using var resumed = await app.Anonymous().ConnectAsync();
        var fromStart = await resumed.WatchAsync(topicId, 0);
        Assert.Equal(["ReplyRemoved", "ReplyRemoved"], fromStart["missed"]!.AsArray().Select(e => (string)e!["type"]!));
        Assert.DoesNotContain("XYZZY", fromStart.ToJsonString());
        var fromOffline = await resumed.WatchAsync(topicId, offlineSeq);
        Assert.Equal([2L], fromOffline["missed"]!.AsArray().Select(e => (long)e!["seq"]!));

        using var anonymous = app.Anonymous().Http();
        var page = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies?order=newest")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(page["items"]!.AsArray());
        Assert.DoesNotContain("XYZZY", page.ToJsonString());

        // No later path brings it back: not an edit, not a reaction, not a reply to it.
        using var authorHttp = author.Http();
        await (await authorHttp.PatchAsJsonAsync($"/api/replies/{replyId}", new { body = "XYZZY again" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await authorHttp.PutAsync($"/api/replies/{replyId}/reactions/like", null)).ProblemAsync(HttpStatusCode.NotFound);
        var answer = await authorHttp.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "reply to removed", parentId = replyId });
        await answer.ProblemAsync(HttpStatusCode.Conflict);
        await using var hubAuthor = await author.ConnectAsync();
        var hubReact = await Assert.ThrowsAsync<HubException>(() => hubAuthor.Connection.InvokeAsync<object>("SetReaction", topicId, replyId, "like", true));
        Assert.Contains("reply not found", hubReact.Message);

        var all = await resumed.WatchAsync(topicId, 0);
        Assert.DoesNotContain("XYZZY", all.ToJsonString());
        Assert.Equal(2, (long)all["lastSeq"]!); // the refused attempts produced no event
    }

    [Fact]
    public async Task ARestoredReplyComesBackLiveAndInTheList()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reply = await app.Member().PostReplyAsync(topicId, "misjudged");
        var replyId = (string)reply["id"]!;
        using var moderator = app.Moderator().Http();
        (await moderator.DeleteAsync($"/api/replies/{replyId}?reason=oops")).EnsureSuccessStatusCode();
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        var restored = await (await moderator.PostAsync($"/api/replies/{replyId}/restore", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("misjudged", (string?)restored["body"]);
        var evt = await watcher.WaitForAsync("ReplyRestored");
        Assert.Equal(3, (long)evt["seq"]!);
        Assert.Equal("misjudged", (string?)evt["reply"]!["body"]);

        using var anonymous = app.Anonymous().Http();
        var page = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(replyId, (string?)page["items"]![0]!["id"]);
        await (await moderator.PostAsync("/api/replies/r_unknown/restore", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ABanWithRemoveRepliesRemovesEachReplyAndBlocksEveryWrite()
    {
        var topicA = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var topicB = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var spammer = app.Member("Spammer");
        var ids = new[]
        {
            (string)(await spammer.PostReplyAsync(topicA, "buy now 1"))["id"]!,
            (string)(await spammer.PostReplyAsync(topicA, "buy now 2"))["id"]!,
            (string)(await spammer.PostReplyAsync(topicB, "buy now 3"))["id"]!,
        };
        var bystander = await app.Member().PostReplyAsync(topicA, "I am fine");
        await using var watchA = await app.Anonymous().ConnectAsync();
        await watchA.WatchAsync(topicA);
        await using var watchB = await app.Anonymous().ConnectAsync();
        await watchB.WatchAsync(topicB);

        var moderatorUser = app.Moderator("Mod");
        using var moderator = moderatorUser.Http();
        var ban = await moderator.PutAsJsonAsync($"/api/users/{spammer.Id}/ban", new { reason = "spam", removeReplies = true });
        Assert.Equal(HttpStatusCode.NoContent, ban.StatusCode);

        await watchA.WaitUntilAsync(w => w.Of("ReplyRemoved").Count == 2, what: "two removals in A");
        await watchB.WaitUntilAsync(w => w.Of("ReplyRemoved").Count == 1, what: "one removal in B");
        Assert.Equal(ids[..2].Order(), watchA.Of("ReplyRemoved").Select(e => (string)e["replyId"]!).Order());
        Assert.Equal(ids[2], (string?)watchB.Of("ReplyRemoved")[0]["replyId"]);
        using var anonymous = app.Anonymous().Http();
        var pageA = await (await anonymous.GetAsync($"/api/topics/{topicA}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([(string)bystander["id"]!], pageA["items"]!.AsArray().Select(r => (string)r!["id"]!));

        // Banned: every write refused with a clear 403, over REST and the hub, even with a valid token.
        using var spam = spammer.Http();
        var refused = await (await spam.PostAsJsonAsync($"/api/topics/{topicA}/replies", new { body = "again" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("banned", (string?)refused["detail"]);
        await (await spam.PutAsync($"/api/topics/{topicA}/reactions/like", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await using var spamHub = await spammer.ConnectAsync();
        await Assert.ThrowsAsync<HubException>(() => spamHub.Connection.InvokeAsync<object>("PostReply", topicA, "hub spam", null));

        // The log: one ban and one removal per reply, each once, newest first.
        var log = await (await moderator.GetAsync("/api/moderation/log?limit=200")).ReadAsync(HttpStatusCode.OK);
        var mine = log["items"]!.AsArray().Where(e => ids.Contains((string?)e!["targetId"]) || (string?)e!["targetId"] == spammer.Id).ToList();
        Assert.Single(mine, e => (string?)e!["action"] == "ban" && (string?)e!["reason"] == "spam");
        Assert.Equal(ids.Order(), mine.Where(e => (string?)e!["action"] == "remove").Select(e => (string)e!["targetId"]!).Order());
        Assert.All(mine, e => Assert.Equal(moderatorUser.Id, (string?)e!["moderator"]!["id"]));

        // Unbanned: writes work again.
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/users/{spammer.Id}/ban")).StatusCode);
        await spammer.PostReplyAsync(topicA, "I have learned my lesson");
    }

    [Fact]
    public async Task ALockedTopicRefusesRepliesAndEditsButNotReactions()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        var early = await member.PostReplyAsync(topicId, "before the lock");
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        using var moderator = app.Moderator().Http();

        var locked = await (await moderator.PutAsync($"/api/topics/{topicId}/lock", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True((bool)locked["locked"]!);
        var updated = await watcher.WaitForAsync("TopicUpdated");
        Assert.True((bool)updated["topic"]!["locked"]!);
        Assert.Equal(2, (long)updated["seq"]!);

        using var http = member.Http();
        var refused = await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "after" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("locked", (string?)refused["detail"]);
        await (await http.PatchAsJsonAsync($"/api/replies/{early["id"]}", new { body = "edited" })).ProblemAsync(HttpStatusCode.Conflict);
        await using var hub = await member.ConnectAsync();
        var hubRefused = await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<object>("PostReply", topicId, "via hub", null));
        Assert.Contains("locked", hubRefused.Message);
        var reacted = await (await http.PutAsync($"/api/topics/{topicId}/reactions/like", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)reacted["reactions"]!["like"]!);

        // Locking twice changes nothing; unlocking reopens.
        await (await moderator.PutAsync($"/api/topics/{topicId}/lock", null)).ReadAsync(HttpStatusCode.OK);
        var unlocked = await (await moderator.DeleteAsync($"/api/topics/{topicId}/lock")).ReadAsync(HttpStatusCode.OK);
        Assert.False((bool)unlocked["locked"]!);
        await member.PostReplyAsync(topicId, "after the unlock");
        await (await moderator.PutAsync("/api/topics/t_unknown/lock", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ModeratorsCannotBanThemselvesOrAdmins()
    {
        var moderatorUser = app.Moderator();
        using var moderator = moderatorUser.Http();
        await (await moderator.PutAsJsonAsync($"/api/users/{moderatorUser.Id}/ban", new { reason = "me" })).ProblemAsync(HttpStatusCode.BadRequest);
        var admin = app.Admin();
        var topicId = (string)(await admin.CreateTopicAsync())["id"]!; // the server now knows the admin's role
        await (await moderator.PutAsJsonAsync($"/api/users/{admin.Id}/ban", new { reason = "coup" })).ProblemAsync(HttpStatusCode.Forbidden);
        await admin.PostReplyAsync(topicId, "still an admin");
        await (await moderator.DeleteAsync("/api/users/never-seen/ban")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AModeratorCanNeverStopAnAdmin()
    {
        using var moderator = app.Moderator().Http();
        // An admin this server has not seen yet cannot be banned ahead of their first visit by a moderator...
        var admin = app.Admin();
        var refused = await moderator.PutAsJsonAsync($"/api/users/{admin.Id}/ban", new { reason = "pre-emptive" });
        Assert.Equal("only admins ban users this server has not seen yet", (string?)(await refused.ProblemAsync(HttpStatusCode.Forbidden))["detail"]);
        var topicId = (string)(await admin.CreateTopicAsync())["id"]!;

        // ...and an account an admin banned while it was a member acts freely once its token says admin.
        var promoted = app.Member("promoted");
        await promoted.PostReplyAsync(topicId, "as a member");
        using (var otherAdmin = app.Admin().Http())
        {
            (await otherAdmin.PutAsJsonAsync($"/api/users/{promoted.Id}/ban", new { reason = "test" })).EnsureSuccessStatusCode();
        }
        var asAdmin = new TestUser(app, Users.Make("promoted", "admin") with { Id = promoted.Id,
            Token = Users.Token(new() { ["sub"] = promoted.Id, ["name"] = "promoted", ["role"] = "admin" }) });
        await asAdmin.PostReplyAsync(topicId, "as an admin");
        using var member = promoted.Http();
        var banned = await member.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "as a member again" });
        await banned.ProblemAsync(HttpStatusCode.Forbidden);

        // Moderators still ban members the server knows, and admins ban anyone.
        var known = app.Member();
        await known.PostReplyAsync(topicId, "hello");
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.PutAsJsonAsync($"/api/users/{known.Id}/ban", new { reason = "spam" })).StatusCode);
        using var adminHttp = admin.Http();
        Assert.Equal(HttpStatusCode.NoContent, (await adminHttp.PutAsJsonAsync("/api/users/someone-new/ban", new { reason = "known troll" })).StatusCode);
    }

    [Fact]
    public async Task TheModerationLogPagesNewestFirst()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var moderator = app.Moderator().Http();
        for (var i = 0; i < 3; i++)
        {
            (await moderator.PutAsync($"/api/topics/{topicId}/lock", null)).EnsureSuccessStatusCode();
            (await moderator.DeleteAsync($"/api/topics/{topicId}/lock")).EnsureSuccessStatusCode();
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await moderator.GetAsync($"/api/moderation/log?limit=4{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Where(e => (string?)e!["targetId"] == topicId).Select(e => (string)e!["action"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        Assert.Equal(["unlock", "lock", "unlock", "lock", "unlock", "lock"], seen);
        await (await moderator.GetAsync("/api/moderation/log?cursor=bogus")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
