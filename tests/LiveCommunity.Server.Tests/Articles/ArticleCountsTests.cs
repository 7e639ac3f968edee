using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Articles;

public sealed class ArticleCountsTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<string> PutArticleAsync(string articleId)
    {
        using var http = new TestUser(app, Users.Make("cms", "publisher")).Http();
        var topic = await (await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "T", url = "https://news.example/" + articleId }))
            .ReadAsync(HttpStatusCode.Created);
        return (string)topic["id"]!;
    }

    [Fact]
    public async Task CountsListEveryKnownArticleWithItsRepliesReactionsAndWatchersAndArePublicForAtMostTenSeconds()
    {
        var (a, b, unknown) = ("c-" + Guid.NewGuid().ToString("N")[..8], "c-" + Guid.NewGuid().ToString("N")[..8], "c-unknown");
        var topicA = await PutArticleAsync(a);
        await PutArticleAsync(b);
        var reader = app.Member();
        await reader.PostReplyAsync(topicA, "one");
        await reader.PostReplyAsync(topicA, "two");
        using (var http = reader.Http())
        {
            (await http.PutAsync($"/api/topics/{topicA}/reactions/like", null)).EnsureSuccessStatusCode();
        }
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicA);

        using var anonymous = app.Anonymous().Http();
        var response = await anonymous.GetAsync($"/api/articles/counts?ids={a},{b},{unknown}");
        var body = await response.ReadAsync(HttpStatusCode.OK);
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.InRange(response.Headers.CacheControl.MaxAge!.Value.TotalSeconds, 1, 10);
        var items = body["items"]!.AsObject();
        Assert.Equal(new[] { a, b }.Order(), items.Select(i => i.Key).Order());
        Assert.Equal(topicA, (string?)items[a]!["topicId"]);
        Assert.Equal(2, (int)items[a]!["replyCount"]!);
        Assert.Equal(1, (int)items[a]!["reactions"]!["like"]!);
        Assert.Equal(0, (int)items[a]!["reactions"]!["disagree"]!);
        Assert.Equal(1, (int)items[a]!["watchers"]!);
        Assert.Equal(0, (int)items[b]!["replyCount"]!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,b c")]
    public async Task BadIdListsAreRefused(string ids)
    {
        using var http = app.Anonymous().Http();
        await (await http.GetAsync($"/api/articles/counts?ids={Uri.EscapeDataString(ids)}")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task MoreThanAHundredIdsAreRefused()
    {
        using var http = app.Anonymous().Http();
        var ids = string.Join(',', Enumerable.Range(0, 101).Select(i => $"x{i}"));
        var problem = await (await http.GetAsync($"/api/articles/counts?ids={ids}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("ids", problem["errors"]!.AsObject().Select(e => e.Key));
    }
}
