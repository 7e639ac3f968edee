using System.Net.Http.Json;
using System.Net;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>Ids a client makes up, too long or with control characters: refused before any lookup, group or log line.</summary>
public sealed class HubInputTests(AppFactory app) : IClassFixture<AppFactory>
{
    private int LocalGroups =>
        ((LocalDeliveryHubLifetimeManager<DiscussionHub>)app.Services.GetRequiredService<HubLifetimeManager<DiscussionHub>>()).GroupCount;

    [Fact]
    public async Task WatchingMadeUpTopicsLeavesNoGroupBehind()
    {
        var groupsBefore = LocalGroups;
        await using var watcher = await app.Anonymous().ConnectAsync();
        var huge = new string('t', 20_000);
        for (var i = 0; i < 300; i++)
        {
            var tooLong = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(huge + i));
            Assert.Contains("topicId must be at most 64 characters", tooLong.Message);
            var unknown = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync($"t_made_up_{i}"));
            Assert.Contains("topic not found", unknown.Message);
        }
        Assert.Equal(groupsBefore, LocalGroups);
        Assert.Equal(HubConnectionState.Connected, watcher.Connection.State);
    }

    [Fact]
    public async Task TheLastWatcherToLeaveDropsTheTopicsGroup()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var groupsBefore = LocalGroups;
        await using var first = await app.Anonymous().ConnectAsync();
        var second = await app.Anonymous().ConnectAsync();
        await first.WatchAsync(topicId);
        await second.WatchAsync(topicId);
        Assert.Equal(groupsBefore + 1, LocalGroups);

        await first.Connection.InvokeAsync("Unwatch", topicId);
        Assert.Equal(groupsBefore + 1, LocalGroups); // the second still watches
        await second.DisposeAsync();                  // a disconnect leaves too
        await Eventually.TrueAsync(() => LocalGroups == groupsBefore);
        Assert.Equal(groupsBefore, LocalGroups);
    }

    [Theory]
    [InlineData("PostReply", "topicId")]
    [InlineData("SetReaction", "kind")]
    [InlineData("Unwatch", "topicId")]
    public async Task ControlCharactersInHubIdsAreRefused(string method, string parameter)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var member = await app.Member().ConnectAsync();
        Task call() => method switch
        {
            "PostReply" => member.Connection.InvokeAsync<object>("PostReply", "t_\nfake log line", "hi", null),
            "SetReaction" => member.Connection.InvokeAsync<object>("SetReaction", topicId, null, "like\u001b[31m", true),
            _ => member.Connection.InvokeAsync("Unwatch", "t_\u0000"),
        };
        var refused = await Assert.ThrowsAsync<HubException>(call);
        Assert.Contains($"{parameter} must not contain control characters", refused.Message);
        var parent = await Assert.ThrowsAsync<HubException>(() =>
            member.Connection.InvokeAsync<object>("PostReply", topicId, "hi", new string('r', 65)));
        Assert.Contains("parentId must be at most 64 characters", parent.Message);
        Assert.Equal(HubConnectionState.Connected, member.Connection.State);
    }

    [Theory]
    [InlineData("GET", "/api/topics/{long}", "topicId")]
    [InlineData("GET", "/api/topics/t_%0Abad/replies", "topicId")]
    [InlineData("PUT", "/api/replies/{long}/reactions/like", "replyId")]
    [InlineData("PUT", "/api/topics/t_x/reactions/like%1B", "kind")]
    [InlineData("DELETE", "/api/replies/r_%7F", "replyId")]
    [InlineData("PUT", "/api/users/{longer}/ban", "userId")]
    [InlineData("GET", "/api/topics?cursor=abc%0Adef", "cursor")]
    [InlineData("GET", "/api/moderation/log?cursor={longer}", "cursor")]
    public async Task OverLongOrControlCharacterIdsOnRoutesAre400(string method, string path, string field)
    {
        using var http = app.Moderator().Http();
        var request = new HttpRequestMessage(new HttpMethod(method),
            path.Replace("{long}", new string('x', 65)).Replace("{longer}", new string('x', 300)));
        if (method == "PUT")
        {
            request.Content = JsonContent.Create(new { reason = "spam" });
        }
        var problem = await (await http.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }
}
