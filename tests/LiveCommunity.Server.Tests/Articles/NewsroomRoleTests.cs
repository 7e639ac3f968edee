using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Articles;

/// <summary>The roles of Version 3: a publisher is the site's back end and never a reader; a journalist creates topics but does not moderate.</summary>
public sealed class NewsroomRoleTests(AppFactory app) : IClassFixture<AppFactory>
{
    private TestUser Publisher() => new(app, Users.Make("cms", "publisher"));

    [Fact]
    public async Task APublisherTokenCannotPostEditReactOrReportOverRest()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reply = await app.Member().PostReplyAsync(topicId, "A reader's reply");
        using var cms = Publisher().Http();

        var refusals = new[]
        {
            await cms.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "The back end speaks" }),
            await cms.PatchAsJsonAsync($"/api/replies/{reply["id"]}", new { body = "edited" }),
            await cms.DeleteAsync($"/api/replies/{reply["id"]}"),
            await cms.PutAsync($"/api/topics/{topicId}/reactions/like", null),
            await cms.PutAsync($"/api/replies/{reply["id"]}/reactions/like", null),
            await cms.PostAsJsonAsync($"/api/replies/{reply["id"]}/reports", new { reason = "spam" }),
        };
        foreach (var response in refusals)
        {
            var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
            Assert.Contains("never a reader", (string?)problem["detail"]);
        }
        // Nothing changed: no reply of the publisher, no reaction, the reply unreported and unremoved.
        var topic = await (await cms.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)topic["replyCount"]!);
        Assert.Equal(0, (int)topic["reactions"]!["like"]!);
        // What a publisher may do: articles, and reading webhooks; not topics, not registering webhooks.
        (await cms.PutAsJsonAsync("/api/articles/roles-1", new { title = "T", url = "https://news.example/a" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await cms.GetAsync("/api/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cms.PostAsJsonAsync("/api/topics", new { title = "T", body = "B" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cms.PostAsJsonAsync("/api/webhooks", new { url = "https://news.example/hook", events = new[] { "*" } })).StatusCode);
    }

    [Fact]
    public async Task APublisherTokenCannotWatchOrPostOnTheHub()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher = await Publisher().ConnectAsync();

        var watch = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(topicId));
        Assert.Contains("never a reader", watch.Message);
        var post = await Assert.ThrowsAsync<HubException>(() => watcher.Connection.InvokeAsync<object>("PostReply", topicId, "from the back end", null));
        Assert.Contains("never a reader", post.Message);
        await Assert.ThrowsAsync<HubException>(() => watcher.WatchTopicsAsync());

        using var anonymous = app.Anonymous().Http();
        var topic = await (await anonymous.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)topic["replyCount"]!);
    }

    [Fact]
    public async Task AJournalistCreatesTopicsButNeitherLocksNorBans()
    {
        var journalist = new TestUser(app, Users.Make("reporter", "journalist"));
        var topic = await journalist.CreateTopicAsync("Live: the election");
        var reader = app.Member();
        await reader.PostReplyAsync((string)topic["id"]!, "hello");
        using var http = journalist.Http();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PutAsync($"/api/topics/{topic["id"]}/lock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PutAsJsonAsync($"/api/users/{reader.Id}/ban", new { reason = "no" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/moderation/queue")).StatusCode);
    }
}
