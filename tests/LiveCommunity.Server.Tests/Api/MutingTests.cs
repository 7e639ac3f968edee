using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Api;

/// <summary>PUT/DELETE /api/me/muted/{userId}, GET /api/me, and lists that leave muted authors out for the muter only.</summary>
public sealed class MutingTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static async Task<string[]> BodiesAsync(HttpClient http, string url) =>
        [.. (await (await http.GetAsync(url)).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(r => (string)r!["body"]!)];

    [Fact]
    public async Task AMutedAuthorsRepliesLeaveTheMutersListOnlyAndComeBackOnUnmute()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var troll = app.Member("Troll");
        var friend = app.Member("Friend");
        await friend.PostReplyAsync(topicId, "hello");
        await troll.PostReplyAsync(topicId, "bait");
        await friend.PostReplyAsync(topicId, "welcome");
        var reader = app.Member("Reader");
        using var http = reader.Http();
        using var other = app.Member().Http();
        using var anonymous = app.Anonymous().Http();
        await BodiesAsync(anonymous, $"/api/topics/{topicId}/replies"); // the shared page is built before the mute

        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync($"/api/me/muted/{troll.Id}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync($"/api/me/muted/{troll.Id}", null)).StatusCode);
        Assert.Equal(["hello", "welcome"], await BodiesAsync(http, $"/api/topics/{topicId}/replies"));
        Assert.Equal(["hello", "bait", "welcome"], await BodiesAsync(other, $"/api/topics/{topicId}/replies"));
        Assert.Equal(["hello", "bait", "welcome"], await BodiesAsync(anonymous, $"/api/topics/{topicId}/replies"));

        var me = await (await http.GetAsync("/api/me")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(reader.Id, (string?)me["id"]);
        Assert.Equal("member", (string?)me["role"]);
        Assert.Equal([troll.Id], me["muted"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(0, (int)me["unread"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/me/muted/{troll.Id}")).StatusCode);
        Assert.Equal(["hello", "bait", "welcome"], await BodiesAsync(http, $"/api/topics/{topicId}/replies"));
    }

    [Fact]
    public async Task PagingSkipsMutedRepliesWithoutLosingOrRepeatingOthers()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var troll = app.Member("Troll");
        var friend = app.Member("Friend");
        for (var i = 0; i < 6; i++)
        {
            await (i % 2 == 0 ? friend : troll).PostReplyAsync(topicId, $"r{i}");
        }
        using var http = app.Member("Reader").Http();
        await http.PutAsync($"/api/me/muted/{troll.Id}", null);
        var seen = await PageWalk.AllAsync(http, $"/api/topics/{topicId}/replies?limit=2", "body");
        Assert.Equal(["r0", "r2", "r4"], seen);
    }

    [Fact]
    public async Task BadMutesAreRefusedAndChangeNothing()
    {
        var reader = app.Member("Reader");
        using var http = reader.Http();
        var self = await (await http.PutAsync($"/api/me/muted/{reader.Id}", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(self["errors"]!["userId"]);
        await (await http.PutAsync($"/api/me/muted/{new string('x', 129)}", null)).ProblemAsync(HttpStatusCode.BadRequest);
        using var anonymous = app.Anonymous().Http();
        await (await anonymous.PutAsync("/api/me/muted/someone", null)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        using var publisher = new TestUser(app, Users.Make("Site", "publisher")).Http();
        await (await publisher.PutAsync("/api/me/muted/someone", null)).ProblemAsync(HttpStatusCode.Forbidden);

        var me = await (await http.GetAsync("/api/me")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(me["muted"]!.AsArray());
    }

    [Fact]
    public async Task TheMuteListIsBoundedWithAClearError()
    {
        var reader = app.Member("Hoarder");
        await using (var db = app.Database.Open())
        {
            db.Mutes.AddRange(Enumerable.Range(0, 1_000).Select(i => new Storage.MuteEntity { UserId = reader.Id, MutedUserId = $"muted-{i}", CreatedAt = DateTime.UtcNow }));
            await db.SaveChangesAsync();
        }
        using var http = reader.Http();
        var full = await (await http.PutAsync("/api/me/muted/one-more", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("unmute someone first", (string?)full["detail"]);
        // Muting one already muted, and unmuting, still work at the bound.
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/api/me/muted/muted-7", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/me/muted/muted-7")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/api/me/muted/one-more", null)).StatusCode);
    }
}
