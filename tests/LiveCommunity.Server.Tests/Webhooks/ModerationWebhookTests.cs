using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Webhooks;

/// <summary>The events that have no topic event behind them: held, reported, decided, banned (PROTOCOL.md v3).</summary>
public sealed class ModerationWebhookTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task AHeldReplyItsApprovalAndItsRejectionAreEachAnnounced()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var admin = app.Admin().Http();
        receiver.Secret = (string)(await WebhooksTests.RegisterAsync(admin, receiver.Url, "reply.held", "queue.decided"))["secret"]!;
        var moderator = app.Moderator();
        var topicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        using var mod = moderator.Http();
        (await mod.PutAsync($"/api/topics/{topicId}/premoderation", null)).EnsureSuccessStatusCode();

        using var member = app.Member().Http();
        var kept = await (await member.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Held, then approved" })).ReadAsync(HttpStatusCode.Accepted);
        var dropped = await (await member.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Held, then rejected" })).ReadAsync(HttpStatusCode.Accepted);
        (await mod.PostAsync($"/api/moderation/queue/{kept["id"]}/approve", null)).EnsureSuccessStatusCode();
        (await mod.PostAsJsonAsync($"/api/moderation/queue/{dropped["id"]}/reject", new { reason = "rude" })).EnsureSuccessStatusCode();

        var held = await receiver.WaitForAsync(w => w.Type == "reply.held" && (string?)w.Json["data"]!["reply"]!["id"] == (string?)kept["id"]);
        Assert.True(held.SignatureValid);
        Assert.Equal(topicId, (string?)held.Json["data"]!["topicId"]);
        Assert.Null(held.Json["data"]!["seq"]);
        Assert.Equal("Held, then approved", (string?)held.Json["data"]!["reply"]!["body"]);
        await receiver.WaitForAsync(w => w.Type == "reply.held" && (string?)w.Json["data"]!["reply"]!["id"] == (string?)dropped["id"]);

        var approved = await receiver.WaitForAsync(w => w.Type == "queue.decided" && (string?)w.Json["data"]!["decision"] == "approved");
        Assert.Equal((string?)kept["id"], (string?)approved.Json["data"]!["reply"]!["id"]);
        Assert.Equal(moderator.Id, (string?)approved.Json["data"]!["moderator"]!["id"]);
        var rejected = await receiver.WaitForAsync(w => w.Type == "queue.decided" && (string?)w.Json["data"]!["decision"] == "rejected");
        Assert.Equal((string?)dropped["id"], (string?)rejected.Json["data"]!["reply"]!["id"]);
        Assert.Equal("rude", (string?)rejected.Json["data"]!["reason"]);
        Assert.DoesNotContain("Held, then rejected", rejected.Body);
    }

    [Fact]
    public async Task AReportAndABanAreAnnouncedOnceWithoutTheReportedText()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var admin = app.Admin().Http();
        receiver.Secret = (string)(await WebhooksTests.RegisterAsync(admin, receiver.Url, "report.created", "user.banned"))["secret"]!;
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member("Troll");
        var reply = await author.PostReplyAsync(topicId, "Reported words");
        using var reader = app.Member().Http();
        for (var i = 0; i < 2; i++)
        {
            // The second report by the same reader is a no-op: no second event.
            (await reader.PostAsJsonAsync($"/api/replies/{reply["id"]}/reports", new { reason = "abuse" })).EnsureSuccessStatusCode();
        }
        using var mod = app.Moderator().Http();
        (await mod.PutAsJsonAsync($"/api/users/{author.Id}/ban", new { reason = "abuse", removeReplies = false })).EnsureSuccessStatusCode();

        var report = await receiver.WaitForAsync(w => w.Type == "report.created");
        Assert.True(report.SignatureValid);
        Assert.Equal((string?)reply["id"], (string?)report.Json["data"]!["reply"]!["id"]);
        Assert.Equal("abuse", (string?)report.Json["data"]!["reason"]);
        Assert.Equal(1, (int)report.Json["data"]!["reportCount"]!);
        Assert.False((bool)report.Json["data"]!["hidden"]!);
        Assert.DoesNotContain("Reported words", report.Body);
        var ban = await receiver.WaitForAsync(w => w.Type == "user.banned");
        Assert.Equal(author.Id, (string?)ban.Json["data"]!["userId"]);
        Assert.Equal("abuse", (string?)ban.Json["data"]!["reason"]);
        Assert.Single(receiver.Received, w => w.Type == "report.created");
    }
}
