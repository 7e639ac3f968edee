using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Webhooks;

/// <summary>On the default settings: private targets are refused.</summary>
public sealed class WebhookRegistrationTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task AnAdminRegistersAWebhookSeesItsSecretOnceAndRemovesIt()
    {
        using var admin = app.Admin().Http();
        var hook = await (await admin.PostAsJsonAsync("/api/webhooks", new { url = "https://93.184.215.14/hook", events = new[] { "reply.posted" } }))
            .ReadAsync(HttpStatusCode.Created);
        var secret = (string)hook["secret"]!;
        Assert.StartsWith("whsec_", secret);
        Assert.True(Convert.FromBase64String(secret["whsec_".Length..]).Length >= 24);

        using var publisher = new TestUser(app, Users.Make("cms", "publisher")).Http();
        var listed = (await publisher.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/webhooks"))!;
        Assert.Equal(["items"], listed.Select(p => p.Key).ToArray()); // {items} like every list, no secret anywhere
        var mine = Assert.Single(listed["items"]!.AsArray(), h => (string?)h!["id"] == (string?)hook["id"])!;
        Assert.Null(mine!["secret"]);
        Assert.Equal(["id", "url", "events", "description", "createdAt"], mine.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.DeleteAsync($"/api/webhooks/{hook["id"]}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{hook["id"]}")).StatusCode);
        await (await admin.DeleteAsync($"/api/webhooks/{hook["id"]}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("ftp://example.org/hook")]
    public async Task LoopbackPrivateAndNonHttpTargetsAreRefused(string url)
    {
        using var admin = app.Admin().Http();
        var problem = await (await admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" } })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("url", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task UnknownEventsAreRefusedAndOnlyAdminsRegister()
    {
        using var admin = app.Admin().Http();
        var problem = await (await admin.PostAsJsonAsync("/api/webhooks", new { url = "https://93.184.215.14/hook", events = new[] { "reply.exploded" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("events", problem["errors"]!.AsObject().Select(e => e.Key));
        foreach (var role in new[] { "moderator", "publisher", "member" })
        {
            using var http = new TestUser(app, Users.Make("x", role)).Http();
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("/api/webhooks", new { url = "https://93.184.215.14/hook", events = new[] { "*" } })).StatusCode);
        }
        using var member = app.Member().Http();
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/webhooks")).StatusCode);
    }
}
