using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Api;

public sealed class TopicsApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ModeratorCreatesATopicThatAnyoneCanRead()
    {
        using var http = app.Moderator("Editor").Http();
        var response = await http.PostAsJsonAsync("/api/topics", new
        {
            title = "Bridge reopens",
            body = "The bridge reopened <b>today</b>.",
            sourceUrls = new[] { "https://example.org/a", "http://example.org/b" },
        });
        var topic = await response.ReadAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/topics/{topic["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal("Bridge reopens", (string?)topic["title"]);
        Assert.Equal("The bridge reopened <b>today</b>.", (string?)topic["body"]);
        Assert.Equal("Editor", (string?)topic["author"]!["name"]);
        Assert.False((bool)topic["locked"]!);
        Assert.Equal(0, (int)topic["replyCount"]!);
        Assert.Equal(0, (long)topic["lastSeq"]!);
        Assert.Equal(["like", "insightful", "disagree"], topic["reactions"]!.AsObject().Select(p => p.Key));
        Assert.EndsWith("Z", (string?)topic["createdAt"]);

        using var anonymous = app.Anonymous().Http();
        var read = await (await anonymous.GetAsync($"/api/topics/{topic["id"]}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(topic.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task AdminsMayCreateTopicsToo()
    {
        var topic = await app.Admin().CreateTopicAsync("Admin's topic");
        Assert.Equal("Admin's topic", (string?)topic["title"]);
    }

    [Fact]
    public async Task MembersCannotCreateTopics()
    {
        using var http = app.Member().Http();
        var response = await http.PostAsJsonAsync("/api/topics", new { title = "Mine", body = "text" });
        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnonymousCannotCreateTopics()
    {
        using var http = app.Anonymous().Http();
        var response = await http.PostAsJsonAsync("/api/topics", new { title = "Mine", body = "text" });
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("", "text", null, "title")]
    [InlineData("   ", "text", null, "title")]
    [InlineData("Title", "", null, "body")]
    [InlineData("Title", "text", "ftp://example.org/file", "sourceUrls")]
    [InlineData("Title", "text", "/relative/path", "sourceUrls")]
    [InlineData("Tab\tis fine but bell \u0007 is not", "text", null, "title")]
    public async Task InvalidTopicsAreRejectedWithTheFieldInError(string title, string body, string? url, string field)
    {
        using var http = app.Moderator().Http();
        var before = await CountTopicsAsync();
        var response = await http.PostAsJsonAsync("/api/topics", new { title, body, sourceUrls = url is null ? null : new[] { url } });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        Assert.Equal(before, await CountTopicsAsync());
    }

    [Fact]
    public async Task TitleLongerThanTheLimitIsRejected()
    {
        using var http = app.Moderator().Http();
        var response = await http.PostAsJsonAsync("/api/topics", new { title = new string('x', 201), body = "text" });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("must be at most 200 characters", (string?)problem["errors"]!["title"]![0]);
    }

    [Fact]
    public async Task MoreThanTenSourcesAreRejected()
    {
        using var http = app.Moderator().Http();
        var urls = Enumerable.Range(0, 11).Select(i => $"https://example.org/{i}").ToArray();
        var response = await http.PostAsJsonAsync("/api/topics", new { title = "t", body = "b", sourceUrls = urls });
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownTopicIsNotFound()
    {
        using var http = app.Anonymous().Http();
        var problem = await (await http.GetAsync("/api/topics/t_nope")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("topic not found", (string?)problem["detail"]);
    }

    [Fact]
    public async Task TopicListPagesNewestFirstWithCursors()
    {
        var moderator = app.Moderator();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((string)(await moderator.CreateTopicAsync($"Paging {i}"))["id"]!);
        }
        using var http = app.Anonymous().Http();
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await http.GetAsync($"/api/topics?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadAsync(HttpStatusCode.OK);
            Assert.True(page["items"]!.AsArray().Count <= 2);
            seen.AddRange(page["items"]!.AsArray().Select(t => (string)t!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        var mine = seen.Where(created.Contains).ToList();
        created.Reverse();
        Assert.Equal(created, mine);
    }

    [Theory]
    [InlineData("/api/topics?cursor=not-a-cursor!", "cursor")]
    [InlineData("/api/topics?limit=0", "limit")]
    [InlineData("/api/topics?limit=101", "limit")]
    public async Task BadPagingParametersAreRejected(string url, string field)
    {
        using var http = app.Anonymous().Http();
        var problem = await (await http.GetAsync(url)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequestWithProblemDetails()
    {
        using var http = app.Moderator().Http();
        var response = await http.PostAsync("/api/topics", new StringContent("{\"title\": ", System.Text.Encoding.UTF8, "application/json"));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<int> CountTopicsAsync()
    {
        var count = 0;
        await app.Anonymous().WithDbAsync(async db => count = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Topics));
        return count;
    }
}
