using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Auth;

/// <summary>A production-like host: one embedding site allowed, issuer and audience checked.</summary>
public sealed class EmbeddingApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Cors:AllowedOrigins:0", "https://news.example"),
        new("Auth:Issuer", "https://news.example"),
        new("Auth:Audience", "livecommunity"),
    ];
}

public sealed class EmbeddingTests(EmbeddingApp app) : IClassFixture<EmbeddingApp>
{
    [Theory]
    [InlineData("/api/topics")]
    [InlineData("/hubs/discussion/negotiate?negotiateVersion=1")]
    public async Task AnAllowedHostSiteMayCallCrossOriginAndOthersMayNot(string path)
    {
        using var http = app.CreateClient();
        var allowed = await PreflightAsync(http, path, "https://news.example");
        Assert.Equal("https://news.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var foreign = await PreflightAsync(http, path, "https://evil.example");
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task TokensMustCarryTheConfiguredIssuerAndAudience()
    {
        var topicId = await CreateTopicAsync(Users.Token(new()
        {
            ["sub"] = "editor", ["name"] = "Editor", ["role"] = "admin", ["iss"] = "https://news.example", ["aud"] = "livecommunity",
        }));
        Assert.NotNull(topicId);

        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Users.Token(new() { ["sub"] = "u", ["name"] = "U", ["iss"] = "https://other.example", ["aud"] = "livecommunity" }));
        await (await http.GetAsync("/api/topics")).ProblemAsync(HttpStatusCode.Unauthorized);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Users.Token(new() { ["sub"] = "u", ["name"] = "U", ["iss"] = "https://news.example", ["aud"] = "someone-else" }));
        await (await http.GetAsync("/api/topics")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<string?> CreateTopicAsync(string token)
    {
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var topic = await (await http.PostAsJsonAsync("/api/topics", new { title = "Embedded", body = "b" })).ReadAsync(HttpStatusCode.Created);
        return (string?)topic["id"];
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient http, string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await http.SendAsync(request);
    }
}
