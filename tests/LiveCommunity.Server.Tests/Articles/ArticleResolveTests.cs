using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Articles;

public sealed class ArticleResolveTests(AppFactory app) : IClassFixture<AppFactory>
{
    public static string ArticleToken(string articleId, string title = "From the page", string url = "https://news.example/p", DateTime? expires = null) =>
        Users.Token(new() { ["article_id"] = articleId, ["article_title"] = title, ["article_url"] = url }, expires);

    [Fact]
    public async Task APageResolvesItsArticleTokenToANewTopicOnceAndToTheSameTopicAfterwards()
    {
        var articleId = "story-" + Guid.NewGuid().ToString("N")[..10];
        using var http = app.Anonymous().Http();
        var first = await (await http.PostAsJsonAsync("/api/articles/resolve", new { token = ArticleToken(articleId) })).ReadAsync(HttpStatusCode.Created);
        Assert.Equal(articleId, (string?)first["articleId"]);
        Assert.Equal("From the page", (string?)first["title"]);
        Assert.Equal("Newsroom", (string?)first["author"]!["name"]);

        var second = await (await http.PostAsJsonAsync("/api/articles/resolve", new { token = ArticleToken(articleId, title: "Another title") })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal((string?)first["id"], (string?)second["id"]);
        Assert.Equal("From the page", (string?)second["title"]); // resolving never changes an article

        // Readers post to it like to any topic.
        await app.Member().PostReplyAsync((string)first["id"]!, "First!");
    }

    [Fact]
    public async Task ExpiredForeignOrUserTokensAreNoArticleTokens()
    {
        using var http = app.Anonymous().Http();
        var articleId = "story-" + Guid.NewGuid().ToString("N")[..10];
        var expired = ArticleToken(articleId, expires: DateTime.UtcNow.AddHours(-2));
        var foreign = Users.Token(new() { ["article_id"] = articleId }, key: "another-signing-key-that-is-long-enough-for-hs256");
        var user = app.Moderator().Identity!.Token;
        foreach (var token in new[] { expired, foreign, user, "", "not-a-jwt" })
        {
            await (await http.PostAsJsonAsync("/api/articles/resolve", new { token })).ProblemAsync(HttpStatusCode.Unauthorized);
        }
        await (await http.GetAsync($"/api/articles/{articleId}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnArticleTokenIsNoSignIn()
    {
        var topic = await app.Moderator().CreateTopicAsync();
        using var http = app.Anonymous().Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ArticleToken("story-x"));
        var response = await http.PostAsJsonAsync($"/api/topics/{topic["id"]}/replies", new { body = "hi" });
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
