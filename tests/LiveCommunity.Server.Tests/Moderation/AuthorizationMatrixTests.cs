using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>Every REST route and hub method, for every role: what each may do, enforced by the server.</summary>
public sealed class AuthorizationMatrixTests(AppFactory app) : IClassFixture<AppFactory>
{
    public enum Role { Anonymous, Member, Banned, Moderator, Admin }

    private sealed record Scene(string TopicId, string ReplyId, string RemovedReplyId, string OtherUserId, string QueuedReplyId);

    // route → expected status for Anonymous, Member, Banned, Moderator, Admin
    private static readonly Dictionary<string, (Func<HttpClient, Scene, Task<HttpResponseMessage>> Call, int[] Expected)> Routes = new()
    {
        ["GET /topics"] = ((h, s) => h.GetAsync("/api/topics"), [200, 200, 200, 200, 200]),
        ["GET /topics/{id}"] = ((h, s) => h.GetAsync($"/api/topics/{s.TopicId}"), [200, 200, 200, 200, 200]),
        ["GET /topics/{id}/replies"] = ((h, s) => h.GetAsync($"/api/topics/{s.TopicId}/replies"), [200, 200, 200, 200, 200]),
        ["POST /topics"] = ((h, s) => h.PostAsJsonAsync("/api/topics", new { title = "t", body = "b" }), [401, 403, 403, 201, 201]),
        ["POST /topics/{id}/updates"] = ((h, s) => h.PostAsJsonAsync($"/api/topics/{s.TopicId}/updates", new { body = "live" }), [401, 403, 403, 201, 201]),
        ["POST /topics/{id}/replies"] = ((h, s) => h.PostAsJsonAsync($"/api/topics/{s.TopicId}/replies", new { body = "hello" }), [401, 201, 403, 201, 201]),
        ["PATCH /replies/{id} (not own)"] = ((h, s) => h.PatchAsJsonAsync($"/api/replies/{s.ReplyId}", new { body = "x" }), [401, 403, 403, 403, 403]),
        ["DELETE /replies/{id} (not own)"] = ((h, s) => h.DeleteAsync($"/api/replies/{s.ReplyId}?reason=spam"), [401, 403, 403, 204, 204]),
        ["PUT /topics/{id}/reactions/like"] = ((h, s) => h.PutAsync($"/api/topics/{s.TopicId}/reactions/like", null), [401, 200, 403, 200, 200]),
        ["DELETE /topics/{id}/reactions/like"] = ((h, s) => h.DeleteAsync($"/api/topics/{s.TopicId}/reactions/like"), [401, 200, 403, 200, 200]),
        ["PUT /replies/{id}/reactions/like"] = ((h, s) => h.PutAsync($"/api/replies/{s.ReplyId}/reactions/like", null), [401, 200, 403, 200, 200]),
        ["DELETE /replies/{id}/reactions/like"] = ((h, s) => h.DeleteAsync($"/api/replies/{s.ReplyId}/reactions/like"), [401, 200, 403, 200, 200]),
        ["POST /replies/{id}/restore"] = ((h, s) => h.PostAsync($"/api/replies/{s.RemovedReplyId}/restore", null), [401, 403, 403, 200, 200]),
        ["PUT /topics/{id}/lock"] = ((h, s) => h.PutAsync($"/api/topics/{s.TopicId}/lock", null), [401, 403, 403, 200, 200]),
        ["DELETE /topics/{id}/lock"] = ((h, s) => h.DeleteAsync($"/api/topics/{s.TopicId}/lock"), [401, 403, 403, 200, 200]),
        ["PUT /users/{id}/ban"] = ((h, s) => h.PutAsJsonAsync($"/api/users/{s.OtherUserId}/ban", new { reason = "spam", removeReplies = false }), [401, 403, 403, 204, 204]),
        ["DELETE /users/{id}/ban"] = ((h, s) => h.DeleteAsync($"/api/users/{s.OtherUserId}/ban"), [401, 403, 403, 204, 204]),
        ["GET /moderation/log"] = ((h, s) => h.GetAsync("/api/moderation/log"), [401, 403, 403, 200, 200]),
        ["POST /replies/{id}/reports"] = ((h, s) => h.PostAsJsonAsync($"/api/replies/{s.ReplyId}/reports", new { reason = "spam" }), [401, 200, 403, 200, 200]),
        ["PUT /topics/{id}/premoderation"] = ((h, s) => h.PutAsync($"/api/topics/{s.TopicId}/premoderation", null), [401, 403, 403, 200, 200]),
        ["DELETE /topics/{id}/premoderation"] = ((h, s) => h.DeleteAsync($"/api/topics/{s.TopicId}/premoderation"), [401, 403, 403, 200, 200]),
        ["GET /moderation/queue"] = ((h, s) => h.GetAsync("/api/moderation/queue"), [401, 403, 403, 200, 200]),
        ["POST /moderation/queue/{id}/approve"] = ((h, s) => h.PostAsync($"/api/moderation/queue/{s.QueuedReplyId}/approve", null), [401, 403, 403, 200, 200]),
        ["POST /moderation/queue/{id}/reject"] = ((h, s) => h.PostAsJsonAsync($"/api/moderation/queue/{s.QueuedReplyId}/reject", new { reason = "spam" }), [401, 403, 403, 204, 204]),
        ["DELETE /replies/{id}?erase=true"] = ((h, s) => h.DeleteAsync($"/api/replies/{s.ReplyId}?erase=true&reason=court+order"), [401, 403, 403, 403, 204]),
        ["DELETE /users/{id}/content"] = ((h, s) => h.DeleteAsync($"/api/users/{s.OtherUserId}/content?reason=gdpr"), [401, 403, 403, 403, 204]),
    };

    public static TheoryData<string, Role> RouteCases()
    {
        var data = new TheoryData<string, Role>();
        foreach (var route in Routes.Keys)
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                data.Add(route, role);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RouteCases))]
    public async Task EachRoleGetsExactlyWhatItIsAllowed(string route, Role role)
    {
        var scene = await SetUpAsync();
        var user = await UserAsync(role);
        using var http = user.Http();
        var (call, expected) = Routes[route];
        var response = await call(http, scene);
        var status = (int)response.StatusCode;
        Assert.True(expected[(int)role] == status, $"{route} as {role}: expected {expected[(int)role]}, got {status}: {await response.Content.ReadAsStringAsync()}");
        if (status >= 400)
        {
            await response.ProblemAsync(response.StatusCode);
        }
    }

    public static TheoryData<string, Role, string?> HubCases() => new()
    {
        { "Watch", Role.Anonymous, null }, { "Watch", Role.Member, null }, { "Watch", Role.Banned, null },
        { "Watch", Role.Moderator, null }, { "Watch", Role.Admin, null },
        { "PostReply", Role.Anonymous, "sign in to post" }, { "PostReply", Role.Member, null }, { "PostReply", Role.Banned, "banned" },
        { "PostReply", Role.Moderator, null }, { "PostReply", Role.Admin, null },
        { "SetReaction", Role.Anonymous, "sign in to react" }, { "SetReaction", Role.Member, null }, { "SetReaction", Role.Banned, "banned" },
        { "SetReaction", Role.Moderator, null }, { "SetReaction", Role.Admin, null },
        { "Unwatch", Role.Anonymous, null }, { "Unwatch", Role.Banned, null },
        { "WatchQueue", Role.Anonymous, "sign in as a moderator" }, { "WatchQueue", Role.Member, "only moderators and admins" },
        { "WatchQueue", Role.Banned, "only moderators and admins" }, { "WatchQueue", Role.Moderator, null }, { "WatchQueue", Role.Admin, null },
        { "UnwatchQueue", Role.Anonymous, null }, { "UnwatchQueue", Role.Moderator, null },
    };

    [Theory]
    [MemberData(nameof(HubCases))]
    public async Task EachRoleGetsExactlyWhatItIsAllowedOnTheHub(string method, Role role, string? error)
    {
        var scene = await SetUpAsync();
        await using var watcher = await (await UserAsync(role)).ConnectAsync();
        Func<Task> call = method switch
        {
            "Watch" => () => watcher.WatchAsync(scene.TopicId),
            "Unwatch" => () => watcher.Connection.InvokeAsync("Unwatch", scene.TopicId),
            "WatchQueue" => () => watcher.Connection.InvokeAsync<object>("WatchQueue"),
            "UnwatchQueue" => () => watcher.Connection.InvokeAsync("UnwatchQueue"),
            "PostReply" => () => watcher.Connection.InvokeAsync<object>("PostReply", scene.TopicId, "from the hub", null),
            _ => () => watcher.Connection.InvokeAsync<object>("SetReaction", scene.TopicId, scene.ReplyId, "like", true),
        };
        if (error is null)
        {
            await call();
        }
        else
        {
            var refused = await Assert.ThrowsAsync<HubException>(call);
            Assert.Contains(error, refused.Message);
        }
        Assert.Equal(HubConnectionState.Connected, watcher.Connection.State);
    }

    private async Task<Scene> SetUpAsync()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var other = app.Member("other");
        var replyId = (string)(await other.PostReplyAsync(topicId, "someone else's reply"))["id"]!;
        var removedId = (string)(await other.PostReplyAsync(topicId, "to be restored"))["id"]!;
        var queuedId = (string)(await other.PostReplyAsync(topicId, "reported once"))["id"]!;
        using (var reporter = app.Member("reporter").Http())
        {
            (await reporter.PostAsJsonAsync($"/api/replies/{queuedId}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
        }
        using var moderator = app.Moderator().Http();
        (await moderator.DeleteAsync($"/api/replies/{removedId}")).EnsureSuccessStatusCode();
        // The ban routes act on this user; for unban it must be banned first.
        (await moderator.PutAsJsonAsync($"/api/users/{other.Id}/ban", new { reason = "setup" })).EnsureSuccessStatusCode();
        return new Scene(topicId, replyId, removedId, other.Id, queuedId);
    }

    private async Task<TestUser> UserAsync(Role role)
    {
        switch (role)
        {
            case Role.Anonymous: return app.Anonymous();
            case Role.Member: return app.Member();
            case Role.Moderator: return app.Moderator();
            case Role.Admin: return app.Admin();
            default:
                var banned = app.Member("banned");
                // An admin: moderators may only ban users the server has already seen.
                using (var admin = app.Admin().Http())
                {
                    (await admin.PutAsJsonAsync($"/api/users/{banned.Id}/ban", new { reason = "test" })).EnsureSuccessStatusCode();
                }
                return banned;
        }
    }
}
