using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Auth;

/// <summary>The optional <c>badge</c> claim: shown as <c>author.badge</c>, as it was when the author wrote.</summary>
public sealed class BadgeTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static UserIdentity Badged(string name, string role, string badge)
    {
        var plain = Users.Make(name, role);
        return plain with { Token = Users.Token(new() { ["sub"] = plain.Id, ["name"] = name, ["role"] = role, ["badge"] = badge }) };
    }

    [Fact]
    public async Task ABadgeShowsOnTheTopicTheReplyTheListAndTheEvent()
    {
        var reporter = new TestUser(app, Badged("Rita", "journalist", "Reporter"));
        var topic = await reporter.CreateTopicAsync();
        var topicId = (string)topic["id"]!;
        Assert.Equal("Reporter", (string?)topic["author"]!["badge"]);

        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        var reply = await reporter.PostReplyAsync(topicId, "From the newsroom.");
        Assert.Equal("Reporter", (string?)reply["author"]!["badge"]);
        var posted = await watcher.WaitForAsync("ReplyPosted");
        Assert.Equal("Reporter", (string?)posted["reply"]!["author"]!["badge"]);

        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("Reporter", (string?)page["items"]![0]!["author"]!["badge"]);
        var read = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("Reporter", (string?)read["author"]!["badge"]);
    }

    [Fact]
    public async Task AReplyKeepsTheBadgeItWasWrittenWith()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var before = Badged("Sam", "member", "Subscriber");
        await new TestUser(app, before).PostReplyAsync(topicId, "written as a subscriber");
        // The same user later signs in without a badge, then with another one.
        var plain = before with { Token = Users.Token(new() { ["sub"] = before.Id, ["name"] = "Sam" }) };
        await new TestUser(app, plain).PostReplyAsync(topicId, "written without one");

        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies?order=oldest")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("Subscriber", (string?)page["items"]![0]!["author"]!["badge"]);
        // No badge: the property is absent, which older clients already expect.
        Assert.False(page["items"]![1]!["author"]!.AsObject().ContainsKey("badge"));
    }

    [Theory]
    [InlineData("A badge that is far too long to show")]
    [InlineData("Staff\nmoderator: approved")]
    public async Task ATokenWithABadBadgeIsRefusedAndChangesNothing(string badge)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var user = Badged("Eve", "member", badge);
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);

        var refused = await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "hello" })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("'badge' claim must be at most 32 characters", (string?)refused["detail"]);
        using var anonymous = app.Anonymous().Http();
        var topic = await (await anonymous.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)topic["replyCount"]!);
    }

    [Fact]
    public async Task ABlankBadgeIsNoBadge()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reply = await new TestUser(app, Badged("Bo", "member", "   ")).PostReplyAsync(topicId, "no label");
        Assert.False(reply["author"]!.AsObject().ContainsKey("badge"));
    }

    [Fact]
    public async Task DevTokensCarryABadgeAndRefuseABadOne()
    {
        using var http = app.CreateClient();
        var issued = await (await http.PostAsJsonAsync("/api/dev/token", new { name = "Pat", role = "moderator", badge = "Editor" })).ReadAsync(HttpStatusCode.OK);
        var staff = new TestUser(app, new UserIdentity((string)issued["userId"]!, "Pat", "moderator", (string)issued["token"]!));
        var topic = await staff.CreateTopicAsync();
        Assert.Equal("Editor", (string?)topic["author"]!["badge"]);

        var refused = await (await http.PostAsJsonAsync("/api/dev/token", new { name = "Pat", badge = new string('b', 33) })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(refused["errors"]!["badge"]);
    }
}
