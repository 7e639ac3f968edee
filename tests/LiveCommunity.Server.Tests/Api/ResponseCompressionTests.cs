using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Api;

public sealed class ResponseCompressionTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("gzip, deflate, br, zstd", "br")]
    public async Task JsonAnswersAreCompressedForClientsThatAskForIt(string acceptEncoding, string expected)
    {
        var topic = await app.Moderator().CreateTopicAsync("Compressed");
        var id = (string)topic["id"]!;
        await app.Member().PostReplyAsync(id, "A reply long enough to be worth compressing, said twice. A reply long enough to be worth compressing, said twice.");

        using var http = app.CreateClient();
        foreach (var path in new[] { "/api/topics", $"/api/topics/{id}", $"/api/topics/{id}/replies?limit=50" })
        {
            var plain = await http.GetEncodedAsync(path, null);
            Assert.Null(plain.ContentEncoding());
            var compressed = await http.GetEncodedAsync(path, acceptEncoding);
            Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
            Assert.Equal(expected, compressed.ContentEncoding());
            Assert.True(compressed.VariesByEncoding());
            Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), await compressed.DecodedBodyAsync());
        }
    }

    [Fact]
    public async Task ProblemDetailsAreCompressedToo()
    {
        using var http = app.CreateClient();
        var response = await http.GetEncodedAsync("/api/topics/no-such-topic", "br");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("br", response.ContentEncoding());
        Assert.Equal(404, (int)JsonNode.Parse(await response.DecodedBodyAsync())!["status"]!);
    }

    [Fact]
    public async Task AnswersCarryingATokenAreNeverCompressed()
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/dev/token") { Content = JsonContent.Create(new { name = "Ann", role = "member" }) };
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        var response = await http.SendAsync(request);
        var body = await response.ReadAsync(HttpStatusCode.OK);
        Assert.Null(response.ContentEncoding());
        Assert.False(string.IsNullOrEmpty((string?)body["token"]));
    }

    [Fact]
    public async Task TheHubIsNeverCompressed()
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/discussion/negotiate?negotiateVersion=1");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        var negotiate = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Null(negotiate.ContentEncoding());

        // And the websocket a browser opens still carries events (the hub tests cover the rest).
        var topic = await app.Moderator().CreateTopicAsync("Hub stays plain");
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync((string)topic["id"]!, 0);
        await app.Member().PostReplyAsync((string)topic["id"]!, "live");
        await watcher.WaitForAsync("ReplyPosted");
    }
}
