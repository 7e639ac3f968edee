using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Notifications;

/// <summary>GET /api/me/notifications paging, POST /api/me/notifications/read, bad input, and the live events.</summary>
public sealed class NotificationListTests(AppFactory app) : IClassFixture<AppFactory>
{
    /// <summary>A reader whose reply got <paramref name="answers"/> answers, oldest first.</summary>
    private async Task<(TestUser Reader, string[] AnswerIds)> AnsweredAsync(int answers)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reader = app.Member("Ann");
        var parentId = (string)(await reader.PostReplyAsync(topicId, "what do you think?"))["id"]!;
        var ids = new List<string>();
        for (var i = 0; i < answers; i++)
        {
            ids.Add((string)(await app.Member($"M{i}").PostReplyAsync(topicId, $"answer {i}", parentId))["id"]!);
        }
        return (reader, [.. ids]);
    }

    [Fact]
    public async Task PagesGoNewestFirstAndTheCursorWalksEveryOneOnce()
    {
        var (ann, answers) = await AnsweredAsync(5);
        var first = await ann.ListAsync("?limit=2");
        Assert.Equal(5, (int)first["unread"]!);
        Assert.NotNull((string?)first["nextCursor"]);
        using var http = ann.Http();
        var all = await PageWalk.AllAsync(http, "/api/me/notifications?limit=2", "replyId");
        Assert.Equal(answers.Reverse(), all);
        var last = await ann.ListAsync("?limit=5");
        Assert.Null((string?)last["nextCursor"]);
        Assert.Equal(5, (await ann.ListAsync())["items"]!.AsArray().Count); // the default (20) holds all five
    }

    [Fact]
    public async Task MarkingReadTakesAllOrUpToAndIncludingOne()
    {
        var (ann, _) = await AnsweredAsync(3);
        var items = (await ann.ListAsync())["items"]!.AsArray();
        Assert.Equal(1, await ann.MarkReadAsync(upTo: (string)items[1]!["id"]!));
        Assert.Equal([false, true, true], (await ann.ListAsync())["items"]!.AsArray().Select(n => (bool)n!["read"]!));
        Assert.Equal(0, await ann.MarkReadAsync());
        Assert.All((await ann.ListAsync())["items"]!.AsArray(), n => Assert.True((bool)n!["read"]!));
    }

    [Fact]
    public async Task BadRequestsAreClearProblemsAndChangeNothing()
    {
        var (ann, _) = await AnsweredAsync(1);
        using var http = ann.Http();
        foreach (var query in new[] { "?limit=0", "?limit=101", "?cursor=garbage", "?cursor=" + Uri.EscapeDataString("bjE") })
        {
            await (await http.GetAsync("/api/me/notifications" + query)).ProblemAsync(HttpStatusCode.BadRequest);
        }
        // Another reader's notification is no "upTo" of mine.
        var (bob, _) = await AnsweredAsync(1);
        var theirs = (string)(await bob.ListAsync())["items"]![0]!["id"]!;
        await (await http.PostAsJsonAsync("/api/me/notifications/read", new { upTo = theirs })).ProblemAsync(HttpStatusCode.NotFound);
        await (await http.PostAsJsonAsync("/api/me/notifications/read", new { upTo = new string('n', 65) })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(1, await ann.UnreadAsync());
        Assert.Equal(1, await bob.UnreadAsync());

        using var anonymous = app.Anonymous().Http();
        await (await anonymous.GetAsync("/api/me/notifications")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync("/api/me/notifications/read", null)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task EveryConnectionOfTheReaderHearsOfANotificationWithoutWatchingAnything()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var ann = app.Member("Ann");
        var parentId = (string)(await ann.PostReplyAsync(topicId, "what do you think?"))["id"]!;
        await using var phone = await ann.ConnectAsync();
        await using var laptop = await ann.ConnectAsync();
        var strangerUser = app.Member("Stranger");
        await using var stranger = await strangerUser.ConnectAsync();

        var answerId = (string)(await app.Member("Bob").PostReplyAsync(topicId, "this", parentId))["id"]!;
        foreach (var connection in new[] { phone, laptop })
        {
            var notified = await connection.WaitForAsync("Notified");
            Assert.Equal(answerId, (string?)notified["notification"]!["replyId"]);
            Assert.Equal("this", (string?)notified["notification"]!["excerpt"]);
            Assert.Equal(1, (int)notified["unread"]!);
        }

        Assert.Equal(0, await ann.MarkReadAsync());
        foreach (var connection in new[] { phone, laptop })
        {
            Assert.Equal(0, (int)(await connection.WaitForAsync("NotificationsRead"))["unread"]!);
        }
        // The stranger's connection, open all along, hears only its own: one sent after all of Ann's by the same pusher.
        var strangerReply = (string)(await strangerUser.PostReplyAsync(topicId, "mine"))["id"]!;
        await app.Member("Cy").PostReplyAsync(topicId, "to the stranger", strangerReply);
        var own = await stranger.WaitForAsync("Notified");
        Assert.Equal("to the stranger", (string?)own["notification"]!["excerpt"]);
        Assert.Single(stranger.Of("Notified"));
        Assert.Empty(stranger.Of("NotificationsRead"));
    }

    [Fact]
    public async Task AWithdrawnUnreadNotificationLowersTheCountOnLiveConnections()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var ann = app.Member("Ann");
        var parentId = (string)(await ann.PostReplyAsync(topicId, "what do you think?"))["id"]!;
        await using var connection = await ann.ConnectAsync();
        var bob = app.Member("Bob");
        var answerId = (string)(await bob.PostReplyAsync(topicId, "regrettable", parentId))["id"]!;
        await connection.WaitForAsync("Notified");
        using var http = bob.Http();
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/replies/{answerId}")).StatusCode);
        Assert.Equal(0, (int)(await connection.WaitForAsync("NotificationsRead"))["unread"]!);
    }
}
