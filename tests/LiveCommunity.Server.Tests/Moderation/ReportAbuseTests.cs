using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>
/// Reports that cannot be weaponized (PROTOCOL.md v3 "Changes that close abuse seams"), with the shipped
/// defaults: three reports hide, and only from readers whose oldest published reply is a day old.
/// </summary>
public sealed class ReportAbuseTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ThreeFreshAccountsCannotHideAReplyButThreeReadersWithStandingCan()
    {
        var topicId = await NewTopicAsync();
        var replyId = await PostAsync(app.Member("author"), topicId, "an unwelcome truth");
        foreach (var fresh in new[] { app.Member("sock1"), app.Member("sock2"), app.Member("sock3") })
        {
            // Even a reply of their own does not give them standing until it has stood for a day.
            await fresh.PostReplyAsync(await NewTopicAsync(), "just arrived");
            await ReportAsync(fresh, replyId);
        }
        Assert.Equal(["an unwelcome truth"], await VisibleAsync(topicId));
        using var moderator = app.Moderator().Http();
        var item = await QueueItemAsync(moderator, topicId);
        Assert.Equal(3, (int)item["reportCount"]!); // moderators still see every report
        Assert.False((bool)item["hidden"]!);

        for (var i = 0; i < 3; i++)
        {
            await ReportAsync(await VeteranAsync(), replyId);
        }
        Assert.Empty(await VisibleAsync(topicId));
        Assert.True((bool)(await QueueItemAsync(moderator, topicId))["hidden"]!);
    }

    [Fact]
    public async Task RepliesOfModeratorsAdminsAndJournalistsAreNeverHiddenByReports()
    {
        var topicId = await NewTopicAsync();
        var journalist = new TestUser(app, Users.Make("journalist", "journalist"));
        var staff = new[] { app.Moderator(), app.Admin(), journalist };
        var replyIds = new List<string>();
        foreach (var author in staff)
        {
            replyIds.Add(await PostAsync(author, topicId, $"a statement by a {author.Identity!.Role}"));
        }
        var veterans = new[] { await VeteranAsync(), await VeteranAsync(), await VeteranAsync() };
        foreach (var replyId in replyIds)
        {
            foreach (var veteran in veterans)
            {
                await ReportAsync(veteran, replyId);
            }
        }
        Assert.Equal(3, (await VisibleAsync(topicId)).Count);
        using var moderator = app.Moderator().Http();
        var queue = await (await moderator.GetAsync($"/api/moderation/queue?topicId={topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(3, queue["items"]!.AsArray().Count); // reported, for a moderator to judge, but not hidden
        Assert.All(queue["items"]!.AsArray(), item => Assert.False((bool)item!["hidden"]!));
    }

    [Fact]
    public async Task AReportAModeratorDismissedNeverCountsAgain()
    {
        var topicId = await NewTopicAsync();
        var replyId = await PostAsync(app.Member("author"), topicId, "a contested claim");
        var reporters = new[] { await VeteranAsync(), await VeteranAsync(), await VeteranAsync() };
        foreach (var reporter in reporters)
        {
            await ReportAsync(reporter, replyId);
        }
        Assert.Empty(await VisibleAsync(topicId));
        using var moderator = app.Moderator().Http();
        (await moderator.PostAsync($"/api/moderation/queue/{replyId}/approve", null)).EnsureSuccessStatusCode();
        Assert.Single(await VisibleAsync(topicId));

        foreach (var reporter in reporters)
        {
            await ReportAsync(reporter, replyId); // 200, a no-op
        }
        Assert.Equal(["a contested claim"], await VisibleAsync(topicId));
        var queue = await (await moderator.GetAsync($"/api/moderation/queue?topicId={topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Empty(queue["items"]!.AsArray());
        await app.Anonymous().WithDbAsync(async db =>
            Assert.Equal(3, await db.Reports.CountAsync(r => r.ReplyId == replyId && r.DismissedAt != null)));

        // A reader who had not reported it before still can, and is counted.
        await ReportAsync(await VeteranAsync(), replyId);
        Assert.Equal(1, (int)(await QueueItemAsync(moderator, topicId))["reportCount"]!);
    }

    // A reader with standing: a published reply that has stood for two days (set in the database: a test cannot wait a day).
    private async Task<TestUser> VeteranAsync()
    {
        var veteran = app.Member("veteran");
        await veteran.PostReplyAsync(await NewTopicAsync(), "an old, good reply");
        var twoDaysAgo = DateTime.UtcNow.AddDays(-2);
        await app.Anonymous().WithDbAsync(db => db.Replies.Where(r => r.AuthorId == veteran.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.CreatedAt, twoDaysAgo)));
        return veteran;
    }

    private static async Task ReportAsync(TestUser reporter, string replyId)
    {
        using var http = reporter.Http();
        (await http.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
    }

    private async Task<string> NewTopicAsync() => (string)(await app.Moderator().CreateTopicAsync())["id"]!;

    private static async Task<string> PostAsync(TestUser user, string topicId, string body) => (string)(await user.PostReplyAsync(topicId, body))["id"]!;

    private static async Task<System.Text.Json.Nodes.JsonNode> QueueItemAsync(HttpClient moderator, string topicId) =>
        (await (await moderator.GetAsync($"/api/moderation/queue?topicId={topicId}")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Single()!;

    private async Task<List<string>> VisibleAsync(string topicId)
    {
        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=200")).ReadAsync(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(r => (string)r!["body"]!)];
    }
}
