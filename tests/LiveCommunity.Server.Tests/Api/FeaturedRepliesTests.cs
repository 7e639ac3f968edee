using System.Net;
using System.Net.Http.Headers;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Api;

/// <summary>PUT/DELETE /api/replies/{id}/featured, ReplyFeatured in the seq stream and ?featured=true.</summary>
public sealed class FeaturedRepliesTests(AppFactory app) : IClassFixture<AppFactory>
{
    private TestUser Journalist() => new(app, Users.Make("Jo", "journalist"));

    private static async Task<long> LastSeqAsync(HttpClient http, string topicId) =>
        (long)(await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK))["lastSeq"]!;

    [Fact]
    public async Task AJournalistFeaturesAReplyAndEveryWatcherAndEveryListSeesIt()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        var plain = (string)(await member.PostReplyAsync(topicId, "an ordinary reply"))["id"]!;
        var good = (string)(await member.PostReplyAsync(topicId, "a very good reply"))["id"]!;
        using var anonymous = app.Anonymous().Http();
        // Read once so the shared page is cached: featuring must make it stale.
        var before = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies?featured=true")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(before["items"]!.AsArray());
        await anonymous.GetAsync($"/api/topics/{topicId}/replies");
        var lastSeq = await LastSeqAsync(anonymous, topicId);

        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        using var jo = Journalist().Http();
        var featured = await (await jo.PutAsync($"/api/replies/{good}/featured", null)).ReadAsync(HttpStatusCode.OK);
        Assert.True((bool)featured["featured"]!);

        var evt = await watcher.WaitForAsync("ReplyFeatured");
        Assert.Equal(lastSeq + 1, (long)evt["seq"]!);
        Assert.Equal(good, (string?)evt["replyId"]);
        Assert.True((bool)evt["featured"]!);

        var picks = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies?featured=true")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([good], picks["items"]!.AsArray().Select(r => (string)r!["id"]!));
        var all = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal([false, true], all["items"]!.AsArray().Select(r => (bool)r!["featured"]!));
        Assert.Equal(plain, (string?)all["items"]![0]!["id"]);

        // Again: idempotent, no second event.
        await (await jo.PutAsync($"/api/replies/{good}/featured", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(lastSeq + 1, await LastSeqAsync(anonymous, topicId));

        var lowered = await (await jo.DeleteAsync($"/api/replies/{good}/featured")).ReadAsync(HttpStatusCode.OK);
        Assert.False((bool)lowered["featured"]!);
        await watcher.WaitUntilAsync(w => w.Of("ReplyFeatured").Count == 2, what: "the unfeature event");
        var after = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies?featured=true")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(after["items"]!.AsArray());

        // A client that reconnects gets both from the log, in order.
        var missed = (await watcher.WatchAsync(topicId, lastSeq))["missed"]!.AsArray();
        Assert.Equal(["ReplyFeatured", "ReplyFeatured"], missed.Select(e => (string)e!["type"]!));
        Assert.Equal([true, false], missed.Select(e => (bool)e!["featured"]!));
    }

    [Fact]
    public async Task OnlyTheNewsroomFeaturesAndABadRequestChangesNothing()
    {
        var moderator = app.Moderator();
        var topicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        var member = app.Member();
        var replyId = (string)(await member.PostReplyAsync(topicId, "feature me"))["id"]!;
        var removedId = (string)(await member.PostReplyAsync(topicId, "soon gone"))["id"]!;
        using (var mod = moderator.Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await mod.DeleteAsync($"/api/replies/{removedId}")).StatusCode);
        }
        using var anonymous = app.Anonymous().Http();
        var lastSeq = await LastSeqAsync(anonymous, topicId);

        using (var self = member.Http())
        {
            await (await self.PutAsync($"/api/replies/{replyId}/featured", null)).ProblemAsync(HttpStatusCode.Forbidden);
        }
        var publisher = Users.Make("Site", "publisher");
        using (var site = new TestUser(app, publisher).Http())
        {
            await (await site.PutAsync($"/api/replies/{replyId}/featured", null)).ProblemAsync(HttpStatusCode.Forbidden);
        }
        await (await anonymous.PutAsync($"/api/replies/{replyId}/featured", null)).ProblemAsync(HttpStatusCode.Unauthorized);
        using var jo = Journalist().Http();
        await (await jo.PutAsync("/api/replies/r_nosuchreply/featured", null)).ProblemAsync(HttpStatusCode.NotFound);
        var removed = await (await jo.PutAsync($"/api/replies/{removedId}/featured", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("the reply is not published", (string?)removed["detail"]);

        Assert.Equal(lastSeq, await LastSeqAsync(anonymous, topicId));
        var picks = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies?featured=true")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(picks["items"]!.AsArray());

        // Admins and moderators may too.
        using var admin = app.Admin().Http();
        await (await admin.PutAsync($"/api/replies/{replyId}/featured", null)).ReadAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task FeaturedRepliesPageInThreadOrder()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((string)(await member.PostReplyAsync(topicId, $"reply {i}"))["id"]!);
        }
        using var jo = Journalist().Http();
        foreach (var id in new[] { ids[0], ids[2], ids[4] })
        {
            await (await jo.PutAsync($"/api/replies/{id}/featured", null)).ReadAsync(HttpStatusCode.OK);
        }
        using var anonymous = app.Anonymous().Http();
        anonymous.DefaultRequestHeaders.CacheControl = new CacheControlHeaderValue { NoCache = true };
        var seen = await PageWalk.AllAsync(anonymous, $"/api/topics/{topicId}/replies?featured=true&limit=2", "id");
        Assert.Equal([ids[0], ids[2], ids[4]], seen);
    }
}
