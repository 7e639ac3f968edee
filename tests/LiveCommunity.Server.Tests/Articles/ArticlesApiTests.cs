using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Articles;

public sealed class ArticlesApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static string NewArticleId() => "news/2026/" + Guid.NewGuid().ToString("N")[..12];

    private TestUser Publisher() => new(app, Users.Make("cms", "publisher"));

    [Fact]
    public async Task APublisherPutsAnArticleOnceAsNewAndThenAsExistingAndAnyoneReadsItByItsId()
    {
        var articleId = NewArticleId();
        using var http = Publisher().Http();
        var first = await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Bridge reopens", url = "https://news.example/bridge" });
        var created = await first.ReadAsync(HttpStatusCode.Created);
        Assert.Equal(articleId, (string?)created["articleId"]);
        Assert.Equal("https://news.example/bridge", (string?)created["url"]);
        Assert.False((bool)created["closed"]!);
        Assert.Null(created["closesAt"]);
        Assert.Equal("", (string?)created["body"]);

        var again = await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Bridge reopens", url = "https://news.example/bridge" });
        var existing = await again.ReadAsync(HttpStatusCode.OK);
        Assert.Equal((string?)created["id"], (string?)existing["id"]);
        Assert.Equal(0, (long)existing["lastSeq"]!); // nothing changed, nothing announced

        using var anonymous = app.Anonymous().Http();
        var read = await (await anonymous.GetAsync($"/api/articles/{articleId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((string?)created["id"], (string?)read["id"]);
        Assert.Equal(articleId, (string?)read["articleId"]);
        await (await anonymous.GetAsync($"/api/articles/{NewArticleId()}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AChangedArticleReachesWatchersAsTopicUpdated()
    {
        var articleId = NewArticleId();
        using var http = Publisher().Http();
        var created = await (await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Draft", url = "https://news.example/a" })).ReadAsync(HttpStatusCode.Created);
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync((string)created["id"]!);

        var closesAt = DateTime.UtcNow.AddDays(2);
        var updated = await (await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Final", url = "https://news.example/a", closesAt })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("Final", (string?)updated["title"]);
        Assert.Equal(1, (long)updated["lastSeq"]!);
        var evt = await watcher.WaitForAsync("TopicUpdated");
        Assert.Equal("Final", (string?)evt["topic"]!["title"]);
        Assert.Equal(articleId, (string?)evt["topic"]!["articleId"]);
        Assert.NotNull(evt["topic"]!["closesAt"]);
    }

    [Fact]
    public async Task TenConcurrentPutsOfOneNewArticleLeaveOneTopic()
    {
        var articleId = NewArticleId();
        var puts = Enumerable.Range(0, 10).Select(async _ =>
        {
            using var http = Publisher().Http();
            return await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Race", url = "https://news.example/race" });
        });
        var responses = await Task.WhenAll(puts);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add((string)(await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!);
        }
        Assert.Single(ids);
        var count = 0;
        await app.Anonymous().WithDbAsync(async db => count = await db.Topics.CountAsync(t => t.ArticleId == articleId));
        Assert.Equal(1, count);
    }

    [Theory]
    [InlineData("has space", "https://news.example/a", "articleId")]
    [InlineData("bad#char", "https://news.example/a", "articleId")]
    [InlineData("ok-id", "ftp://news.example/a", "url")]
    [InlineData("ok-id", "/relative", "url")]
    public async Task InvalidArticlesAreRefusedWithTheFieldInError(string articleId, string url, string field)
    {
        using var http = Publisher().Http();
        var response = await http.PutAsJsonAsync($"/api/articles/{Uri.EscapeDataString(articleId)}", new { title = "T", url });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task AnArticleIdOfMoreThan128CharactersIsRefused()
    {
        using var http = Publisher().Http();
        var response = await http.PutAsJsonAsync($"/api/articles/{new string('a', 129)}", new { title = "T", url = "https://news.example/a" });
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("journalist", HttpStatusCode.Created)]
    [InlineData("moderator", HttpStatusCode.Created)]
    [InlineData("admin", HttpStatusCode.Created)]
    [InlineData("member", HttpStatusCode.Forbidden)]
    public async Task OnlyThePublisherAndTheNewsroomPutArticles(string role, HttpStatusCode expected)
    {
        using var http = new TestUser(app, Users.Make("someone", role)).Http();
        var response = await http.PutAsJsonAsync($"/api/articles/{NewArticleId()}", new { title = "T", url = "https://news.example/a" });
        Assert.Equal(expected, response.StatusCode);
        using var anonymous = app.Anonymous().Http();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync($"/api/articles/{NewArticleId()}", new { title = "T", url = "https://news.example/a" })).StatusCode);
    }
}
