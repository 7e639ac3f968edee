using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Updates;

/// <summary>Reports hide after two readers; erasures wait for their job as long as a test needs.</summary>
public sealed class LiveBlogApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Moderation:HideAfterReports", "2"),
        new("Moderation:MinReporterAge", "00:00:00"),
        new("Moderation:ErasureWait", "00:05:00"),
    ];
}

/// <summary>
/// A quoted reply that leaves readers' pages, whichever way, takes its quote out of every update: live
/// (UpdateEdited with quote null), on REST and in what a resuming client replays.
/// </summary>
public sealed class QuoteRemovalTests(LiveBlogApp app) : IClassFixture<LiveBlogApp>
{
    public static TheoryData<string> Ways => ["author removes", "moderator removes", "reports hide", "queue rejects", "ban removes", "erasure", "content erasure"];

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task AQuoteLeavesTheUpdateWhenTheQuotedReplyLeavesReaders(string way)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member("reader");
        var marker = "quoted-" + Guid.NewGuid().ToString("N");
        var replyId = (string)(await author.PostReplyAsync(topicId, $"{marker} said the reader"))["id"]!;
        using var anonymous = app.Anonymous().Http();
        var before = (long)(await (await anonymous.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK))["lastSeq"]!;

        using var jo = new TestUser(app, Users.Make("Jo", "journalist")).Http();
        var posted = await (await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "Readers write in:", quoteReplyId = replyId }))
            .ReadAsync(HttpStatusCode.Created);
        var updateId = (string)posted["id"]!;
        Assert.Equal(replyId, (string?)posted["quote"]!["replyId"]);
        Assert.Equal($"{marker} said the reader", (string?)posted["quote"]!["body"]);
        Assert.Equal("reader", (string?)posted["quote"]!["author"]!["name"]);
        await (await jo.PatchAsJsonAsync($"/api/updates/{updateId}", new { keyEvent = true })).ReadAsync(HttpStatusCode.OK);
        var other = (string)(await (await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "no quote here" })).ReadAsync(HttpStatusCode.Created))["id"]!;

        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        await TakeOffAsync(way, topicId, replyId, author);

        var edited = await watcher.WaitForAsync("UpdateEdited", e => (string?)e["update"]!["id"] == updateId);
        Assert.Null(edited["update"]!["quote"]);
        Assert.True((bool)edited["update"]!["keyEvent"]!);
        Assert.Equal("Readers write in:", (string?)edited["update"]!["body"]);
        Assert.DoesNotContain(watcher.Of("UpdateEdited"), e => (string?)e["update"]!["id"] == other);

        var list = await (await anonymous.GetAsync($"/api/topics/{topicId}/updates")).ReadAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(marker, list.ToJsonString());
        Assert.Null(list["items"]!.AsArray().Single(u => (string?)u!["id"] == updateId)!["quote"]);

        var missed = (await watcher.WatchAsync(topicId, before))["missed"]!.AsArray();
        Assert.DoesNotContain(marker, missed.ToJsonString());
        var fromLog = missed.Where(e => (string?)e!["type"] is "UpdatePosted" or "UpdateEdited" && (string?)e!["update"]!["id"] == updateId).ToList();
        Assert.Equal(3, fromLog.Count); // posted, flagged as key event, quote gone
        Assert.All(fromLog, e => Assert.Null(e!["update"]!["quote"]));
        await app.Anonymous().WithDbAsync(async db =>
        {
            Assert.False(await db.TopicEvents.AnyAsync(e => e.TopicId == topicId && e.Data != null && e.Data.Contains(marker)));
            Assert.False(await db.Updates.AnyAsync(u => u.TopicId == topicId && (u.QuoteBody != null || u.QuoteReplyId != null)));
        });

        // Quoting it again is refused: it is no published reply any more.
        var again = await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "again", quoteReplyId = replyId });
        Assert.True(again.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest, $"got {(int)again.StatusCode}");
    }

    private async Task TakeOffAsync(string way, string topicId, string replyId, TestUser author)
    {
        using var moderator = app.Moderator().Http();
        using var admin = app.Admin().Http();
        switch (way)
        {
            case "author removes":
                using (var self = author.Http())
                {
                    Assert.Equal(HttpStatusCode.NoContent, (await self.DeleteAsync($"/api/replies/{replyId}")).StatusCode);
                }
                break;
            case "moderator removes":
                Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{replyId}?reason=spam")).StatusCode);
                break;
            case "reports hide":
                await ReportTwiceAsync(replyId);
                break;
            case "queue rejects":
                using (var reporter = app.Member("reporter").Http())
                {
                    (await reporter.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "spam" })).EnsureSuccessStatusCode();
                }
                Assert.Equal(HttpStatusCode.NoContent, (await moderator.PostAsJsonAsync($"/api/moderation/queue/{replyId}/reject", new { reason = "spam" })).StatusCode);
                break;
            case "ban removes":
                Assert.Equal(HttpStatusCode.NoContent,
                    (await moderator.PutAsJsonAsync($"/api/users/{author.Id}/ban", new { reason = "spam wave", removeReplies = true })).StatusCode);
                break;
            case "erasure":
                Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/replies/{replyId}?erase=true&reason=court+order")).StatusCode);
                break;
            case "content erasure":
                Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{author.Id}/content?reason=request")).StatusCode);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(way), way, null);
        }
    }

    private async Task ReportTwiceAsync(string replyId)
    {
        foreach (var name in new[] { "first", "second" })
        {
            using var reporter = app.Member(name).Http();
            (await reporter.PostAsJsonAsync($"/api/replies/{replyId}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task AReplyRemovedInTheSameBatchAsTheQuoteIsNeverQuoted()
    {
        // Whatever order the two writes take in the topic's queue, no update is left holding the removed text.
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        var marker = "raced-" + Guid.NewGuid().ToString("N");
        var replyId = (string)(await author.PostReplyAsync(topicId, marker))["id"]!;
        using var jo = new TestUser(app, Users.Make("Jo", "journalist")).Http();
        using var self = author.Http();
        var quote = jo.PostAsJsonAsync($"/api/topics/{topicId}/updates", new { body = "quoting", quoteReplyId = replyId });
        var remove = self.DeleteAsync($"/api/replies/{replyId}");
        var (quoted, removed) = (await quote, await remove);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.True(quoted.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"got {(int)quoted.StatusCode}");

        using var anonymous = app.Anonymous().Http();
        var list = await (await anonymous.GetAsync($"/api/topics/{topicId}/updates")).ReadAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(marker, list.ToJsonString());
        await using var watcher = await app.Anonymous().ConnectAsync();
        var missed = (await watcher.WatchAsync(topicId, 0))["missed"]!.AsArray();
        Assert.DoesNotContain(marker, missed.ToJsonString());
    }
}
