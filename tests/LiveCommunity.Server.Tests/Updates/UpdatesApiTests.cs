using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Updates;

/// <summary>The live blog over REST: posting, corrections, deletion, the list's order and paging, and who may write.</summary>
public sealed class UpdatesApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private TestUser Journalist() => new(app, Users.Make("Jo", "journalist"));

    private static async Task<JsonObject> PostAsync(HttpClient http, string topicId, object input) =>
        await (await http.PostAsJsonAsync($"/api/topics/{topicId}/updates", input)).ReadAsync(HttpStatusCode.Created);

    private static async Task<JsonObject> TopicAsync(HttpClient http, string topicId) =>
        await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);

    private static async Task<List<string>> ListAsync(HttpClient http, string url) =>
        [.. (await (await http.GetAsync(url)).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(u => (string)u!["id"]!)];

    [Fact]
    public async Task AJournalistPostsCorrectsAndDeletesAnUpdateAndTheTopicCountsIt()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var jo = Journalist().Http();
        using var anonymous = app.Anonymous().Http();
        Assert.Equal(0, (int)(await TopicAsync(anonymous, topicId))["updateCount"]!);

        var posted = await PostAsync(jo, topicId, new { body = "The bridge **reopens** at noon.", keyEvent = true });
        var id = (string)posted["id"]!;
        Assert.StartsWith("u_", id);
        Assert.Equal(topicId, (string?)posted["topicId"]);
        Assert.Equal("The bridge **reopens** at noon.", (string?)posted["body"]);
        Assert.Equal("<p>The bridge <strong>reopens</strong> at noon.</p>", (string?)posted["html"]);
        Assert.True((bool)posted["keyEvent"]!);
        Assert.False((bool)posted["pinned"]!);
        Assert.Null(posted["quote"]);
        Assert.Null(posted["editedAt"]);
        Assert.Equal("Jo", (string?)posted["author"]!["name"]);
        var topic = await TopicAsync(anonymous, topicId);
        Assert.Equal(1, (int)topic["updateCount"]!);
        Assert.Equal((long)posted["seq"]!, (long)topic["lastSeq"]!);

        var corrected = await (await jo.PatchAsJsonAsync($"/api/updates/{id}", new { body = "The bridge reopens at *one*." })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("<p>The bridge reopens at <em>one</em>.</p>", (string?)corrected["html"]);
        Assert.NotNull(corrected["editedAt"]);
        Assert.True((bool)corrected["keyEvent"]!); // what the PATCH left out stays
        Assert.Equal((long)posted["seq"]!, (long)corrected["seq"]!);
        var listed = (await (await anonymous.GetAsync($"/api/topics/{topicId}/updates")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Single()!;
        Assert.Equal("The bridge reopens at *one*.", (string?)listed["body"]);

        // A PATCH that changes nothing is no event.
        var lastSeq = (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!;
        await (await jo.PatchAsJsonAsync($"/api/updates/{id}", new { keyEvent = true })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(lastSeq, (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await jo.DeleteAsync($"/api/updates/{id}")).StatusCode);
        Assert.Equal(0, (int)(await TopicAsync(anonymous, topicId))["updateCount"]!);
        Assert.Empty(await ListAsync(anonymous, $"/api/topics/{topicId}/updates"));
        await (await jo.DeleteAsync($"/api/updates/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await jo.PatchAsJsonAsync($"/api/updates/{id}", new { body = "again" })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PinnedUpdatesComeFirstThenTheRestNewestFirstAcrossPages()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var jo = Journalist().Http();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((string)(await PostAsync(jo, topicId, new { body = $"update {i}", keyEvent = i % 2 == 0, pinned = i is 1 or 4 }))["id"]!);
        }
        using var anonymous = app.Anonymous().Http();
        anonymous.DefaultRequestHeaders.CacheControl = new CacheControlHeaderValue { NoCache = true };

        Assert.Equal([ids[4], ids[1], ids[6], ids[5], ids[3], ids[2], ids[0]], await ListAsync(anonymous, $"/api/topics/{topicId}/updates"));
        foreach (var limit in new[] { 1, 2, 3 })
        {
            Assert.Equal([ids[4], ids[1], ids[6], ids[5], ids[3], ids[2], ids[0]],
                await PageWalk.AllAsync(anonymous, $"/api/topics/{topicId}/updates?limit={limit}", "id"));
        }
        Assert.Equal([ids[4], ids[6], ids[2], ids[0]], await PageWalk.AllAsync(anonymous, $"/api/topics/{topicId}/updates?keyEvents=true&limit=1", "id"));

        // Unpinning moves it back to its place by time.
        await (await jo.PatchAsJsonAsync($"/api/updates/{ids[4]}", new { pinned = false })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([ids[1], ids[6], ids[5], ids[4], ids[3], ids[2], ids[0]], await ListAsync(anonymous, $"/api/topics/{topicId}/updates"));
        var page = await (await anonymous.GetAsync($"/api/topics/{topicId}/updates?limit=50")).ReadAsync(HttpStatusCode.OK);
        Assert.Null(page["nextCursor"]);
        Assert.Equal((long)(await TopicAsync(anonymous, topicId))["lastSeq"]!, (long)page["lastSeq"]!);
    }

    [Fact]
    public async Task OnlyTheNewsroomWritesUpdatesAndEveryoneReadsThem()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var jo = Journalist().Http();
        var id = (string)(await PostAsync(jo, topicId, new { body = "by the desk" }))["id"]!;
        using var anonymous = app.Anonymous().Http();
        var lastSeq = (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!;

        using var member = app.Member().Http();
        using var site = new TestUser(app, Users.Make("Site", "publisher")).Http();
        foreach (var http in new[] { member, site })
        {
            await (await http.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "not mine to post" })).ProblemAsync(HttpStatusCode.Forbidden);
            await (await http.PatchAsJsonAsync($"/api/updates/{id}", new { body = "not mine to correct" })).ProblemAsync(HttpStatusCode.Forbidden);
            await (await http.DeleteAsync($"/api/updates/{id}")).ProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "anonymous" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/api/updates/{id}")).StatusCode);
        Assert.Equal(lastSeq, (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!);
        Assert.Equal([id], await ListAsync(anonymous, $"/api/topics/{topicId}/updates"));

        // Moderators and admins post, and another desk member's correction or deletion is theirs to make.
        using var moderator = app.Moderator().Http();
        await PostAsync(moderator, topicId, new { body = "by a moderator" });
        using var admin = app.Admin().Http();
        await (await admin.PatchAsJsonAsync($"/api/updates/{id}", new { pinned = true })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/updates/{id}")).StatusCode);
        var log = (await (await moderator.GetAsync("/api/moderation/log")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Single(log, e => (string?)e!["action"] == "remove" && (string?)e["targetId"] == id);
    }

    [Fact]
    public async Task BadInputIsRefusedClearlyAndChangesNothing()
    {
        var moderator = app.Moderator();
        var topicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        var otherTopicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        var member = app.Member();
        var foreign = (string)(await member.PostReplyAsync(otherTopicId, "a reply elsewhere"))["id"]!;
        var removed = (string)(await member.PostReplyAsync(topicId, "a reply soon removed"))["id"]!;
        using (var mod = moderator.Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await mod.DeleteAsync($"/api/replies/{removed}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await mod.PutAsync($"/api/topics/{topicId}/premoderation", null)).StatusCode);
        }
        string pending;
        using (var self = member.Http())
        {
            var held = await self.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "held for review" });
            pending = (string)(await held.ReadAsync(HttpStatusCode.Accepted))["id"]!;
        }
        using var anonymous = app.Anonymous().Http();
        var lastSeq = (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!;

        using var jo = Journalist().Http();
        async Task<JsonObject> Refused(object input, HttpStatusCode status) =>
            await (await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", input)).ProblemAsync(status);

        Assert.NotNull((await Refused(new { body = "   " }, HttpStatusCode.BadRequest))["errors"]!["body"]);
        Assert.NotNull((await Refused(new { }, HttpStatusCode.BadRequest))["errors"]!["body"]);
        Assert.Contains("10000", (string?)(await Refused(new { body = new string('x', 10_001) }, HttpStatusCode.BadRequest))["errors"]!["body"]![0]);
        Assert.NotNull((await Refused(new { body = "bell \u0007" }, HttpStatusCode.BadRequest))["errors"]!["body"]);
        foreach (var quote in new[] { "r_nosuchreply", foreign, pending })
        {
            Assert.NotNull((await Refused(new { body = "quoting", quoteReplyId = quote }, HttpStatusCode.BadRequest))["errors"]!["quoteReplyId"]);
        }
        Assert.NotNull((await Refused(new { body = "quoting", quoteReplyId = new string('r', 65) }, HttpStatusCode.BadRequest))["errors"]!["quoteReplyId"]);
        Assert.Equal("the reply to quote was removed", (string?)(await Refused(new { body = "quoting", quoteReplyId = removed }, HttpStatusCode.Conflict))["detail"]);
        await (await jo.PostAsJsonAsync("/api/topics/t_nosuchtopic/updates", new { body = "nowhere" })).ProblemAsync(HttpStatusCode.NotFound);

        var id = (string)(await PostAsync(jo, topicId, new { body = "fine" }))["id"]!;
        lastSeq++;
        await (await jo.PatchAsJsonAsync($"/api/updates/{id}", new { body = "" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await jo.PatchAsJsonAsync($"/api/updates/{id}", new { body = new string('y', 10_001) })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync($"/api/topics/{topicId}/updates?limit=0")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync($"/api/topics/{topicId}/updates?limit=101")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync($"/api/topics/{topicId}/updates?cursor=bm90aGluZw")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync("/api/topics/t_nosuchtopic/updates")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(lastSeq, (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!);
        var only = (await (await anonymous.GetAsync($"/api/topics/{topicId}/updates")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Single()!;
        Assert.Equal("fine", (string?)only["body"]);
        Assert.Equal(1, (int)(await TopicAsync(anonymous, topicId))["updateCount"]!);
    }

    [Fact]
    public async Task WatchersGetUpdateEventsInSeqOrderAndAResumeReplaysThem()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var anonymous = app.Anonymous().Http();
        var lastSeq = (long)(await TopicAsync(anonymous, topicId))["lastSeq"]!;
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        using var jo = Journalist().Http();
        var first = (string)(await PostAsync(jo, topicId, new { body = "first" }))["id"]!;
        var second = (string)(await PostAsync(jo, topicId, new { body = "second" }))["id"]!;
        await (await jo.PatchAsJsonAsync($"/api/updates/{first}", new { body = "first, corrected", pinned = true })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await jo.DeleteAsync($"/api/updates/{second}")).StatusCode);

        await watcher.WaitUntilAsync(w => w.LiveBySeq(topicId).Count == 4, what: "four update events");
        var live = watcher.LiveBySeq(topicId);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => lastSeq + i), live.Keys);
        Assert.Equal(["UpdatePosted", "UpdatePosted", "UpdateEdited", "UpdateRemoved"], live.Values.Select(e => e.Type));
        Assert.Equal("first, corrected", (string?)live[lastSeq + 3].Payload["update"]!["body"]);
        Assert.True((bool)live[lastSeq + 3].Payload["update"]!["pinned"]!);
        Assert.Equal(second, (string?)live[lastSeq + 4].Payload["updateId"]);

        // A client that resumes gets the same, except that the deleted update's text is gone from the log too.
        var missed = (await watcher.WatchAsync(topicId, lastSeq))["missed"]!.AsArray();
        Assert.Equal(["UpdatePosted", "UpdateRemoved", "UpdateEdited", "UpdateRemoved"], missed.Select(e => (string)e!["type"]!));
        Assert.Equal(Enumerable.Range(1, 4).Select(i => lastSeq + i), missed.Select(e => (long)e!["seq"]!));
        Assert.Equal(second, (string?)missed[1]!["updateId"]);
        Assert.DoesNotContain("\"second\"", missed.ToJsonString());
        Assert.Equal(first, (string?)missed[2]!["update"]!["id"]);
    }
}
