using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>
/// A host whose rules hide after two reports (from any reader: standing has tests of its own in
/// ReportAbuseTests) and hold replies with suspect words.
/// </summary>
public sealed class QueueApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Moderation:HideAfterReports", "2"),
        new("Moderation:MinReporterAge", "00:00:00"),
        new("Moderation:SuspectWords:0", "miracle cure"),
    ];
}

/// <summary>Reader reports, automatic hiding, pre-moderation and the moderators' queue (PROTOCOL.md v2).</summary>
public sealed class ModerationQueueTests(QueueApp app) : IClassFixture<QueueApp>
{
    [Fact]
    public async Task BadReportsAreRefusedAndChangeNothing()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member("author");
        var replyId = await PostAsync(author, topicId, "a reply");
        using var reader = app.Member("reader").Http();

        var unknownReason = await reader.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "boring" });
        Assert.NotNull((await unknownReason.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["reason"]);
        var longNote = await reader.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "other", note = new string('n', 501) });
        Assert.NotNull((await longNote.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["note"]);
        using var own = author.Http();
        var mine = await own.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "spam" });
        Assert.Equal("you cannot report your own reply", (string?)(await mine.ProblemAsync(HttpStatusCode.Conflict))["detail"]);
        using var anonymous = app.Anonymous().Http();
        await (await anonymous.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "spam" })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await reader.PostAsJsonAsync("/api/replies/r_unknown/reports", new { reason = "spam" })).ProblemAsync(HttpStatusCode.NotFound);
        using var moderator = app.Moderator().Http();
        var removedId = await PostAsync(author, topicId, "soon removed");
        (await moderator.DeleteAsync($"/api/replies/{removedId}")).EnsureSuccessStatusCode();
        await (await reader.PostAsJsonAsync($"/api/replies/{removedId}/reports", new { reason = "spam" })).ProblemAsync(HttpStatusCode.NotFound);

        var queue = await QueueAsync(moderator, $"?topicId={topicId}");
        Assert.Empty(queue["items"]!.AsArray());
        Assert.Equal(0, (int)queue["counts"]!["reported"]!);
    }

    [Fact]
    public async Task EnoughDistinctReportersHideAReplyUntilAModeratorApprovesIt()
    {
        var topicId = await NewTopicAsync();
        var replyId = await PostAsync(app.Member("author"), topicId, "a contested claim");
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        await using var moderatorHub = await app.Moderator().ConnectAsync();
        var watched = JsonNode.Parse((await moderatorHub.Connection.InvokeAsync<JsonElement>("WatchQueue")).GetRawText())!;
        var pendingBefore = (int)watched["counts"]!["pending"]!;
        var changes = new List<JsonObject>();
        moderatorHub.Connection.On<JsonElement>("QueueChanged", e => { lock (changes) { changes.Add(JsonNode.Parse(e.GetRawText())!.AsObject()); } });

        using var first = app.Member("first").Http();
        Assert.True((bool)(await (await first.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "spam", note = "looks like an ad" })).ReadAsync(HttpStatusCode.OK))["reported"]!);
        // Reporting again is a no-op; one reporter is not enough to hide it.
        (await first.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
        Assert.Single(await VisibleAsync(topicId));
        using var moderator = app.Moderator().Http();
        var item = (await QueueAsync(moderator, $"?state=reported&topicId={topicId}"))["items"]!.AsArray().Single()!;
        Assert.Equal(1, (int)item["reportCount"]!);
        Assert.False((bool)item["hidden"]!);
        Assert.Equal(1, (int)item["reports"]!["spam"]!);
        Assert.Equal(topicId, (string?)item["topic"]!["id"]);

        using var second = app.Member("second").Http();
        (await second.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
        var removed = await watcher.WaitForAsync("ReplyRemoved", e => (string?)e["replyId"] == replyId);
        Assert.Empty(await VisibleAsync(topicId));
        await using (var late = await app.Anonymous().ConnectAsync())
        {
            var replay = await late.WatchAsync(topicId, 0);
            Assert.DoesNotContain("a contested claim", replay.ToJsonString());
            Assert.All(replay["missed"]!.AsArray(), e => Assert.Equal("ReplyRemoved", (string?)e!["type"]));
        }
        item = (await QueueAsync(moderator, $"?state=reported&topicId={topicId}"))["items"]!.AsArray().Single()!;
        Assert.True((bool)item["hidden"]!);
        Assert.Equal("a contested claim", (string?)item["reply"]!["body"]); // moderators still read it
        Assert.Contains((await (await moderator.GetAsync("/api/moderation/log")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray(),
            e => (string?)e!["action"] == "hide" && (string?)e["targetId"] == replyId);

        var approved = await (await moderator.PostAsync($"/api/moderation/queue/{replyId}/approve", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("a contested claim", (string?)approved["body"]);
        var restored = await watcher.WaitForAsync("ReplyRestored", e => (string?)e["reply"]!["id"] == replyId);
        Assert.Equal((long)removed["seq"]! + 1, (long)restored["seq"]!);
        Assert.Single(await VisibleAsync(topicId));
        await (await moderator.PostAsync($"/api/moderation/queue/{replyId}/approve", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty((await QueueAsync(moderator, $"?topicId={topicId}"))["items"]!.AsArray());

        await moderatorHub.WaitUntilAsync(_ => { lock (changes) { return changes.Any(c => (string?)c["state"] == "approved"); } }, what: "QueueChanged approved");
        lock (changes)
        {
            Assert.Equal(["reported", "reported", "approved"], changes.Where(c => (string?)c["replyId"] == replyId).Select(c => (string)c["state"]!));
            Assert.Equal(pendingBefore, (int)changes[^1]["counts"]!["pending"]!);
        }
    }

    [Fact]
    public async Task AHeldReplyReachesNoReaderByAnyPathUntilApprovedAndThenGetsAFreshSeq()
    {
        var topicId = await NewTopicAsync();
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        using var moderator = app.Moderator().Http();
        var topic = await (await moderator.PutAsync($"/api/topics/{topicId}/premoderation", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True((bool)topic["premoderated"]!);
        var updated = await watcher.WaitForAsync("TopicUpdated");
        Assert.True((bool)updated["topic"]!["premoderated"]!);

        var author = app.Member("newcomer");
        using var http = author.Http();
        var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "secret until approved" });
        var held = await response.ReadAsync(HttpStatusCode.Accepted);
        Assert.Equal("pending", (string?)held["status"]);
        Assert.Null(held["seq"]);
        var heldId = (string)held["id"]!;
        await using (var hub = await author.ConnectAsync())
        {
            var overHub = JsonNode.Parse((await hub.Connection.InvokeAsync<JsonElement>("PostReply", topicId, "held over the hub", null)).GetRawText())!;
            Assert.Equal("pending", (string?)overHub["status"]);
        }
        // Its author may still fix it; nobody else hears of it.
        (await http.PatchAsJsonAsync($"/api/replies/{heldId}", new { body = "secret until approved (fixed)" })).EnsureSuccessStatusCode();

        using var reader = app.Member("reader").Http();
        Assert.Empty(await VisibleAsync(topicId));
        await (await reader.PutAsync($"/api/replies/{heldId}/reactions/like", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await reader.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "answer", parentId = heldId })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await reader.PostAsJsonAsync($"/api/replies/{heldId}/reports", new { reason = "spam" })).ProblemAsync(HttpStatusCode.NotFound);
        var page = await (await reader.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (long)page["lastSeq"]!); // only the TopicUpdated: the held replies took no seq
        await using (var late = await app.Anonymous().ConnectAsync())
        {
            Assert.DoesNotContain("secret", (await late.WatchAsync(topicId, 0)).ToJsonString());
        }
        Assert.DoesNotContain(watcher.Received, e => e.Payload.ToJsonString().Contains("secret", StringComparison.Ordinal));

        var pending = (await QueueAsync(moderator, $"?state=pending&topicId={topicId}"))["items"]!.AsArray();
        Assert.Equal(2, pending.Count);
        Assert.Equal("secret until approved (fixed)", (string?)pending[0]!["reply"]!["body"]);
        var approved = await (await moderator.PostAsync($"/api/moderation/queue/{heldId}/approve", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, (long)approved["seq"]!);
        var posted = await watcher.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["id"] == heldId);
        Assert.Equal(2, (long)posted["seq"]!);
        Assert.Equal(["secret until approved (fixed)"], await VisibleAsync(topicId));

        // Rejecting the other leaves no trace for readers; deciding twice is a conflict.
        var otherId = (string)pending[1]!["reply"]!["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.PostAsJsonAsync($"/api/moderation/queue/{otherId}/reject", new { reason = "off-topic" })).StatusCode);
        await (await moderator.PostAsJsonAsync($"/api/moderation/queue/{otherId}/reject", new { reason = "again" })).ProblemAsync(HttpStatusCode.Conflict);
        var reloaded = await (await reader.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(2, (long)reloaded["lastSeq"]!);
        Assert.DoesNotContain(watcher.Received, e => e.Payload.ToJsonString().Contains("held over the hub", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SuspectWordsHoldAReplyAndModeratorsAreNeverHeld()
    {
        var topicId = await NewTopicAsync();
        using var member = app.Member().Http();
        var held = await (await member.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Try this Miracle Cure today" })).ReadAsync(HttpStatusCode.Accepted);
        Assert.Equal("pending", (string?)held["status"]);
        (await member.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "a miracle, cured" })).EnsureSuccessStatusCode();
        var fromModerator = await app.Moderator().PostReplyAsync(topicId, "no miracle cure exists");
        Assert.Null(fromModerator["status"]);
        Assert.Equal(["a miracle, cured", "no miracle cure exists"], await VisibleAsync(topicId));
    }

    [Fact]
    public async Task RejectingAVisibleReportedReplyRemovesItLive()
    {
        var topicId = await NewTopicAsync();
        var replyId = await PostAsync(app.Member(), topicId, "rude words");
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        using (var reporter = app.Member().Http())
        {
            (await reporter.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
        }
        using var moderator = app.Moderator().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.PostAsJsonAsync($"/api/moderation/queue/{replyId}/reject", new { reason = "abuse" })).StatusCode);
        await watcher.WaitForAsync("ReplyRemoved", e => (string?)e["replyId"] == replyId);
        Assert.Empty(await VisibleAsync(topicId));
        var log = (await (await moderator.GetAsync("/api/moderation/log")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(log, e => (string?)e!["action"] == "reject" && (string?)e["targetId"] == replyId && (string?)e["reason"] == "abuse");
    }

    private async Task<string> NewTopicAsync() => (string)(await app.Moderator().CreateTopicAsync())["id"]!;

    private static async Task<string> PostAsync(TestUser user, string topicId, string body) => (string)(await user.PostReplyAsync(topicId, body))["id"]!;

    private static async Task<JsonObject> QueueAsync(HttpClient moderator, string query) =>
        await (await moderator.GetAsync("/api/moderation/queue" + query)).ReadAsync(HttpStatusCode.OK);

    private async Task<List<string>> VisibleAsync(string topicId)
    {
        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=200")).ReadAsync(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(r => (string)r!["body"]!)];
    }
}

/// <summary>A host that holds a member's first two replies for review.</summary>
public sealed class NewcomerApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Moderation:PremoderateFirstReplies", "2")];
}

public sealed class NewcomerPremoderationTests(NewcomerApp app) : IClassFixture<NewcomerApp>
{
    [Fact]
    public async Task ANewMembersFirstRepliesWaitForAModeratorThenTheyPostFreely()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var newcomer = app.Member("newcomer");
        using var http = newcomer.Http();
        using var moderator = app.Moderator().Http();
        for (var i = 0; i < 2; i++)
        {
            var held = await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"hello {i}" })).ReadAsync(HttpStatusCode.Accepted);
            Assert.Equal("pending", (string?)held["status"]);
            // Held replies do not count: the next one is held too until one is approved.
            (await moderator.PostAsync($"/api/moderation/queue/{held["id"]}/approve", null)).EnsureSuccessStatusCode();
        }
        var free = await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "hello 2" })).ReadAsync(HttpStatusCode.Created);
        Assert.Null(free["status"]);
        Assert.Equal(3, (long)free["seq"]!);
    }
}
