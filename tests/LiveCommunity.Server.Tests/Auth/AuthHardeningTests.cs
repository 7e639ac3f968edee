using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Auth;

/// <summary>A host outside Development whose log is captured; subclasses set an issuer and audience or not.</summary>
public class AuthLogApp : AppFactory
{
    private readonly LogCapture _logs = new();

    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class BoundTokensApp : AuthLogApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Auth:Issuer", "https://news.example"), new("Auth:Audience", "livecommunity")];
}

public sealed class AuthHardeningTests(AuthLogApp app) : IClassFixture<AuthLogApp>
{
    [Fact]
    public async Task AHubConnectionClosesWhenItsTokenExpires()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var token = Users.Token(new() { ["sub"] = "short-lived", ["name"] = "Shorty" }, expires: DateTime.UtcNow.AddSeconds(5));
        var user = new TestUser(app, new UserIdentity("short-lived", "Shorty", "member", token));
        await using var hub = await user.ConnectAsync();
        var closed = new TaskCompletionSource();
        hub.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.Connection.InvokeAsync<object>("PostReply", topicId, "while my token is good", null);

        // Closed by the server once the token's exp passes (checked about once a second); generous patience.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, hub.Connection.State);
    }

    [Fact]
    public void OutsideDevelopmentUnsetIssuerAndAudienceAreWarnedAboutAtStart()
    {
        _ = app.Server;
        var warning = Assert.Single(app.Logs, l => l.EventId == 1002);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Auth:Issuer is unset and Auth:Audience is unset", warning.Message);
    }

    [Fact]
    public async Task DevTokenNamesWithControlCharactersAreRefused()
    {
        using var http = app.CreateClient();
        var refused = await http.PostAsJsonAsync("/api/dev/token", new { name = "Ann\r\nrole: admin" });
        var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["name"]);
    }

    [Fact]
    public async Task NamesOfExactlyTheColumnLengthAreFine()
    {
        var name = new string('n', 200);
        var token = Users.Token(new() { ["sub"] = new string('s', 128), ["name"] = name });
        var user = new TestUser(app, new UserIdentity(new string('s', 128), name, "member", token));
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reply = await user.PostReplyAsync(topicId, "a long name");
        Assert.Equal(name, (string?)reply["author"]!["name"]);
    }
}

public sealed class BoundTokensTests(BoundTokensApp app) : IClassFixture<BoundTokensApp>
{
    [Fact]
    public void WithIssuerAndAudienceSetNothingIsWarned()
    {
        _ = app.Server;
        Assert.DoesNotContain(app.Logs, l => l.EventId == 1002);
    }
}
