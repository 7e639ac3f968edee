using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Notifications;

/// <summary>Which acts notify whom (PROTOCOL.md v3 "Notifications"), and what a removal or erasure leaves.</summary>
public sealed class NotificationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private TestUser Journalist() => new(app, Users.Make("Jo", "journalist"));

    private async Task<(string TopicId, TestUser Author, string ReplyId)> ReplyByAsync(string body = "my first thought")
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync("A story"))["id"]!;
        var author = app.Member("Ann");
        var replyId = (string)(await author.PostReplyAsync(topicId, body))["id"]!;
        return (topicId, author, replyId);
    }

    [Fact]
    public async Task AnAnswerToYourReplyNotifiesYouWithWhoAndAnExcerpt()
    {
        var (topicId, ann, parentId) = await ReplyByAsync();
        var bob = app.Member("Bob");
        var long_ = new string('é', 100) + "😀" + new string('x', 100);
        var answerId = (string)(await bob.PostReplyAsync(topicId, long_, parentId))["id"]!;

        var page = await ann.ListAsync();
        var n = Assert.Single(page["items"]!.AsArray())!.AsObject();
        Assert.Equal(1, (int)page["unread"]!);
        Assert.Equal("reply", (string?)n["kind"]);
        Assert.Equal(answerId, (string?)n["replyId"]);
        Assert.Equal(topicId, (string?)n["topic"]!["id"]);
        Assert.Equal("A story", (string?)n["topic"]!["title"]);
        Assert.Equal(bob.Id, (string?)n["from"]!["id"]);
        Assert.Equal("Bob", (string?)n["from"]!["name"]);
        Assert.False((bool)n["read"]!);
        var excerpt = (string)n["excerpt"]!;
        Assert.True(excerpt.Length <= 140, $"excerpt of {excerpt.Length}");
        Assert.StartsWith(new string('é', 100) + "😀", excerpt);
        Assert.Empty(await bob.ItemsAsync()); // the one who answered hears nothing
    }

    [Fact]
    public async Task NoNotificationForYourOwnActsOrFromSomeoneYouMuted()
    {
        var (topicId, ann, parentId) = await ReplyByAsync();
        await ann.PostReplyAsync(topicId, "answering myself", parentId);
        var troll = app.Member("Troll");
        using (var http = ann.Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync($"/api/me/muted/{troll.Id}", null)).StatusCode);
        }
        await troll.PostReplyAsync(topicId, "bait", parentId);
        Assert.Empty(await ann.ItemsAsync());

        // A journalist featuring their own reply: no notification either.
        var jo = Journalist();
        var own = (string)(await jo.PostReplyAsync(topicId, "from the newsroom"))["id"]!;
        using var joHttp = jo.Http();
        await (await joHttp.PutAsync($"/api/replies/{own}/featured", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(await jo.ItemsAsync());
    }

    [Fact]
    public async Task FeaturingNotifiesOncePerReplyFromTheNewsroom()
    {
        var (_, ann, replyId) = await ReplyByAsync();
        using var jo = Journalist().Http();
        await (await jo.PutAsync($"/api/replies/{replyId}/featured", null)).ReadAsync(HttpStatusCode.OK);
        await (await jo.DeleteAsync($"/api/replies/{replyId}/featured")).ReadAsync(HttpStatusCode.OK);
        await (await jo.PutAsync($"/api/replies/{replyId}/featured", null)).ReadAsync(HttpStatusCode.OK);

        var n = Assert.Single(await ann.ItemsAsync());
        Assert.Equal("featured", (string?)n["kind"]);
        Assert.Equal(replyId, (string?)n["replyId"]);
        Assert.Null(n["from"]);
        Assert.True(n.ContainsKey("from"));
        Assert.Equal("my first thought", (string?)n["excerpt"]);
    }

    [Fact]
    public async Task AHeldReplyApprovedOrRejectedNotifiesItsAuthorAndTheApprovedAnswerNotifiesTheParentsAuthor()
    {
        var (topicId, ann, parentId) = await ReplyByAsync();
        using var moderator = app.Moderator().Http();
        await (await moderator.PutAsync($"/api/topics/{topicId}/premoderation", null)).ReadAsync(HttpStatusCode.OK);
        var bob = app.Member("Bob");
        using var bobHttp = bob.Http();
        var held = await (await bobHttp.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "held answer", parentId })).ReadAsync(HttpStatusCode.Accepted);
        var other = await (await bobHttp.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "held and refused" })).ReadAsync(HttpStatusCode.Accepted);
        Assert.Empty(await ann.ItemsAsync()); // nobody sees a held answer, its parent's author neither

        await (await moderator.PostAsync($"/api/moderation/queue/{held["id"]}/approve", null)).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.PostAsJsonAsync($"/api/moderation/queue/{other["id"]}/reject", new { reason = "off-topic" })).StatusCode);

        var mine = await bob.ItemsAsync();
        Assert.Equal(["rejected", "approved"], mine.Select(n => (string)n["kind"]!));
        Assert.All(mine, n => Assert.Null(n["from"]));
        Assert.Equal((string?)other["id"], (string?)mine[0]["replyId"]);
        Assert.False(mine[0].ContainsKey("excerpt")); // the rejected reply is removed: no text
        Assert.Equal("held answer", (string?)mine[1]["excerpt"]);
        var answer = Assert.Single(await ann.ItemsAsync());
        Assert.Equal(("reply", (string?)held["id"]), ((string)answer["kind"]!, (string?)answer["replyId"]));
    }

    [Fact]
    public async Task ARemovedReplyTakesItsUnreadNotificationAlongAndLeavesNoTextInARead()
    {
        var (topicId, ann, parentId) = await ReplyByAsync();
        var bob = app.Member("Bob");
        var first = (string)(await bob.PostReplyAsync(topicId, "first answer", parentId))["id"]!;
        var second = (string)(await bob.PostReplyAsync(topicId, "second answer", parentId))["id"]!;
        var items = await ann.ItemsAsync();
        Assert.Equal([second, first], items.Select(n => (string)n["replyId"]!));
        Assert.Equal(1, await ann.MarkReadAsync(upTo: (string)items[1]["id"]!)); // the first one is read

        using var bobHttp = bob.Http();
        Assert.Equal(HttpStatusCode.NoContent, (await bobHttp.DeleteAsync($"/api/replies/{second}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bobHttp.DeleteAsync($"/api/replies/{first}")).StatusCode);

        var left = Assert.Single(await ann.ItemsAsync()); // the unread one went with its reply
        Assert.Equal(first, (string?)left["replyId"]);
        Assert.True((bool)left["read"]!);
        Assert.False(left.ContainsKey("excerpt"));
        Assert.Equal(0, await ann.UnreadAsync());
    }

    [Fact]
    public async Task AnErasedReplyLeavesNoExcerptAnywhere()
    {
        var (topicId, ann, parentId) = await ReplyByAsync();
        var answerId = (string)(await app.Member("Bob").PostReplyAsync(topicId, "words a court ordered gone", parentId))["id"]!;
        await ann.MarkReadAsync();
        using var admin = app.Admin().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/replies/{answerId}?erase=true")).StatusCode);

        var n = Assert.Single(await ann.ItemsAsync());
        Assert.False(n.ContainsKey("excerpt"));
        await app.Anonymous().WithDbAsync(async db =>
        {
            var row = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Notifications, x => x.ReplyId == answerId);
            Assert.DoesNotContain("court", System.Text.Json.JsonSerializer.Serialize(row));
        });
    }

    [Fact]
    public async Task GetMeCountsTheUnreadOnes()
    {
        var (topicId, ann, parentId) = await ReplyByAsync();
        await app.Member("Bob").PostReplyAsync(topicId, "one", parentId);
        await app.Member("Cy").PostReplyAsync(topicId, "two", parentId);
        using var http = ann.Http();
        Assert.Equal(2, (int)(await (await http.GetAsync("/api/me")).ReadAsync(HttpStatusCode.OK))["unread"]!);
        Assert.Equal(0, await ann.MarkReadAsync());
        Assert.Equal(0, (int)(await (await http.GetAsync("/api/me")).ReadAsync(HttpStatusCode.OK))["unread"]!);
    }
}
