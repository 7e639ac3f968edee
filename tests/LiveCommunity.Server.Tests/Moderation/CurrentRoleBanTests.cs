using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>Who may ban and unban whom is decided by the role of the user's latest token, not of their last write.</summary>
public sealed class CurrentRoleBanTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task AModeratorCannotBanAUserPromotedToAdminSinceTheirLastWrite()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var (member, promoted) = Promoted("admin");
        await member.PostReplyAsync(topicId, "written as a member");
        using (var http = promoted.Http())
        {
            // Only a read: the server sees the new token, nothing is written by the user.
            (await http.GetAsync($"/api/topics/{topicId}/replies")).EnsureSuccessStatusCode();
        }
        using var moderator = app.Moderator().Http();
        await (await moderator.PutAsJsonAsync($"/api/users/{member.Id}/ban", new { reason = "trying" })).ProblemAsync(HttpStatusCode.Forbidden);

        // The same through a hub connection alone.
        var (other, promotedOther) = Promoted("moderator");
        await other.PostReplyAsync(topicId, "also written as a member");
        await using (await promotedOther.ConnectAsync())
        {
        }
        await (await moderator.PutAsJsonAsync($"/api/users/{other.Id}/ban", new { reason = "trying" })).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OnlyAnAdminLiftsTheBanOfAnAdminOrAModerator()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var (member, promoted) = Promoted("admin");
        await member.PostReplyAsync(topicId, "written as a member");
        using var admin = app.Admin().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{member.Id}/ban", new { reason = "for now" })).StatusCode);
        using (var http = promoted.Http())
        {
            (await http.GetAsync($"/api/topics/{topicId}/replies")).EnsureSuccessStatusCode();
        }

        using var moderator = app.Moderator().Http();
        await (await moderator.DeleteAsync($"/api/users/{member.Id}/ban")).ProblemAsync(HttpStatusCode.Forbidden);
        using (var http = member.Http())
        {
            // Still banned: their member token cannot write.
            await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "back?" })).ProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{member.Id}/ban")).StatusCode);
    }

    // One user id with two tokens: as a member first, then with the role a host site later gave them.
    private (TestUser Before, TestUser After) Promoted(string role)
    {
        var before = Users.Make("rising", "member");
        var after = before with { Role = role, Token = Users.Token(new() { ["sub"] = before.Id, ["name"] = before.Name, ["role"] = role }) };
        return (new TestUser(app, before), new TestUser(app, after));
    }
}
