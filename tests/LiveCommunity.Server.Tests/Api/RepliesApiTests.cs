using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Api;

public sealed class RepliesApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<string> NewTopicAsync() => (string)(await app.Moderator().CreateTopicAsync())["id"]!;

    [Fact]
    public async Task PostedReplyIsStoredVerbatimListedAndCounted()
    {
        var topicId = await NewTopicAsync();
        var ann = app.Member("Ann");
        const string body = "  <script>alert(1)</script>\nsecond line\twith tab  ";
        var reply = await ann.PostReplyAsync(topicId, body);

        Assert.Equal(body, (string?)reply["body"]);
        Assert.Equal(topicId, (string?)reply["topicId"]);
        Assert.Null(reply["parentId"]);
        Assert.Null(reply["editedAt"]);
        Assert.Equal(ann.Id, (string?)reply["author"]!["id"]);
        Assert.Equal("Ann", (string?)reply["author"]!["name"]);
        Assert.Equal(0, (int)reply["reactions"]!["like"]!);

        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(reply.ToJsonString(), page["items"]![0]!.ToJsonString());
        Assert.Equal(1, (long)page["lastSeq"]!);
        Assert.Null(page["nextCursor"]);
        var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)topic["replyCount"]!);
    }

    [Fact]
    public async Task PostingNeedsASignedInUser()
    {
        var topicId = await NewTopicAsync();
        using var http = app.Anonymous().Http();
        var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "hi" });
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    [InlineData("null \0 byte")]
    [InlineData("escape \u001b[31m red")]
    public async Task InvalidBodiesAreRejectedAndChangeNothing(string body)
    {
        var topicId = await NewTopicAsync();
        using var http = app.Member().Http();
        var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["body"]);
        await AssertUntouchedAsync(topicId);
    }

    [Fact]
    public async Task ReplyOfExactlyTheLimitIsAcceptedAndOneMoreIsNot()
    {
        var topicId = await NewTopicAsync();
        var member = app.Member();
        await member.PostReplyAsync(topicId, " " + new string('a', 5000) + " ");
        using var http = member.Http();
        var response = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = new string('a', 5001) });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("must be at most 5000 characters", (string?)problem["errors"]!["body"]![0]);
    }

    [Fact]
    public async Task AReplyPaddedWithWhitespaceIsRefusedNotStoredWhole()
    {
        var topicId = await NewTopicAsync();
        using var http = app.Member().Http();
        var padded = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "hi" + new string(' ', 60_000) });
        var problem = await padded.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("whitespace", (string?)problem["errors"]!["body"]![0]);
        await AssertUntouchedAsync(topicId);
        // A little padding (a textarea's trailing newline) is fine, and kept verbatim.
        var reply = await app.Member().PostReplyAsync(topicId, "hi\n\n");
        Assert.Equal("hi\n\n", (string?)reply["body"]);
    }

    [Fact]
    public async Task ReplyToUnknownTopicIsNotFound()
    {
        using var http = app.Member().Http();
        var response = await http.PostAsJsonAsync("/api/topics/t_missing/replies", new { body = "hello" });
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NestedReplyKeepsItsParent()
    {
        var topicId = await NewTopicAsync();
        var parent = await app.Member().PostReplyAsync(topicId, "parent");
        var child = await app.Member().PostReplyAsync(topicId, "child", (string)parent["id"]!);
        Assert.Equal((string?)parent["id"], (string?)child["parentId"]);
    }

    [Fact]
    public async Task ParentFromAnotherTopicOrUnknownIsABadRequest()
    {
        var topicA = await NewTopicAsync();
        var topicB = await NewTopicAsync();
        var parent = await app.Member().PostReplyAsync(topicA, "in A");
        using var http = app.Member().Http();

        var crossed = await http.PostAsJsonAsync($"/api/topics/{topicB}/replies", new { body = "x", parentId = (string)parent["id"]! });
        var problem = await crossed.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["parentId"]);

        var unknown = await http.PostAsJsonAsync($"/api/topics/{topicB}/replies", new { body = "x", parentId = "r_unknown" });
        await unknown.ProblemAsync(HttpStatusCode.BadRequest);
        await AssertUntouchedAsync(topicB);
    }

    [Fact]
    public async Task RepliesPageOldestOrNewestFirstWithCursors()
    {
        var topicId = await NewTopicAsync();
        var member = app.Member();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((string)(await member.PostReplyAsync(topicId, $"reply {i}"))["id"]!);
        }
        Assert.Equal(ids, await ReadAllAsync(topicId, "oldest"));
        Assert.Equal(Enumerable.Reverse(ids), await ReadAllAsync(topicId, "newest"));

        using var http = app.Anonymous().Http();
        await (await http.GetAsync($"/api/topics/{topicId}/replies?order=sideways")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=201")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.GetAsync($"/api/topics/{topicId}/replies?cursor=%%%")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.GetAsync("/api/topics/t_none/replies")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AuthorEditsOwnReplyWithinTheWindow()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member();
        var reply = await author.PostReplyAsync(topicId, "frist");
        using var http = author.Http();
        var edited = await (await http.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = "first" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("first", (string?)edited["body"]);
        Assert.NotNull(edited["editedAt"]);
        Assert.Equal((string?)reply["createdAt"], (string?)edited["createdAt"]);
    }

    [Fact]
    public async Task NobodyButTheAuthorEditsAReply()
    {
        var topicId = await NewTopicAsync();
        var reply = await app.Member().PostReplyAsync(topicId, "mine");
        foreach (var other in new[] { app.Member(), app.Moderator() })
        {
            using var http = other.Http();
            await (await http.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = "theirs" })).ProblemAsync(HttpStatusCode.Forbidden);
        }
        using var anonymous = app.Anonymous().Http();
        await (await anonymous.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = "x" })).ProblemAsync(HttpStatusCode.Unauthorized);
        await AssertBodyAsync(topicId, "mine");
    }

    [Fact]
    public async Task EditAfterTheWindowIsRefused()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member();
        var reply = await author.PostReplyAsync(topicId, "old");
        var replyId = (string)reply["id"]!;
        await author.WithDbAsync(db => db.Replies.Where(r => r.Id == replyId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, DateTime.UtcNow.AddMinutes(-16))));
        using var http = author.Http();
        var problem = await (await http.PatchAsJsonAsync($"/api/replies/{replyId}", new { body = "new" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("edit window", (string?)problem["detail"]);
        await AssertBodyAsync(topicId, "old");
    }

    [Fact]
    public async Task EditWithInvalidBodyOrUnknownIdIsRefused()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member();
        var reply = await author.PostReplyAsync(topicId, "keep");
        using var http = author.Http();
        await (await http.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = "" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.PatchAsJsonAsync("/api/replies/r_unknown", new { body = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        await AssertBodyAsync(topicId, "keep");
    }

    [Fact]
    public async Task AuthorDeletesOwnReplyAndItIsNeverListedAgain()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member();
        var reply = await author.PostReplyAsync(topicId, "regrettable");
        using var http = author.Http();
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/replies/{reply["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/replies/{reply["id"]}")).StatusCode);
        Assert.Empty(await ReadAllAsync(topicId, "oldest"));

        using var anonymous = app.Anonymous().Http();
        var topic = await (await anonymous.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)topic["replyCount"]!);
        Assert.Equal(2, (long)topic["lastSeq"]!); // posted, removed; the repeated delete added nothing
        await (await http.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = "back" })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MembersCannotDeleteOthersReplies()
    {
        var topicId = await NewTopicAsync();
        var reply = await app.Member().PostReplyAsync(topicId, "stays");
        using var http = app.Member().Http();
        await (await http.DeleteAsync($"/api/replies/{reply["id"]}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await http.DeleteAsync("/api/replies/r_unknown")).ProblemAsync(HttpStatusCode.NotFound);
        await AssertBodyAsync(topicId, "stays");
    }

    private async Task<List<string>> ReadAllAsync(string topicId, string order)
    {
        using var http = app.Anonymous().Http();
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await http.GetAsync($"/api/topics/{topicId}/replies?order={order}&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}"))
                .ReadAsync(HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Select(r => (string)r!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return ids;
    }

    private async Task AssertBodyAsync(string topicId, string body)
    {
        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(body, (string?)page["items"]![0]!["body"]);
    }

    private async Task AssertUntouchedAsync(string topicId)
    {
        using var http = app.Anonymous().Http();
        var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, (long)topic["lastSeq"]!);
        Assert.Equal(0, (int)topic["replyCount"]!);
    }
}
