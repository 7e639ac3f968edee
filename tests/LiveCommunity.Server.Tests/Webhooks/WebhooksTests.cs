using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Webhooks;

/// <summary>Receivers on loopback are allowed here; retries come quickly.</summary>
public sealed class WebhookApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Webhooks:AllowPrivateNetworks", "true"),
        new("Webhooks:RetrySchedule:0", "00:00:00.300"),
        new("Webhooks:MaxAttempts", "3"),
        new("Webhooks:PollInterval", "00:00:00.100"),
    ];
}

public sealed class WebhooksTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    internal static async Task<JsonObject> RegisterAsync(HttpClient admin, string url, params string[] events)
    {
        var response = await admin.PostAsJsonAsync("/api/webhooks", new { url, events, description = "newsroom" });
        return await response.ReadAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AReceiverGetsEveryReplyPostedSignedAndAgainWithTheSameIdAfterAnswering500()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, before) => before == 0 ? 500 : 200; // every event's first attempt fails
        using var admin = app.Admin().Http();
        var hook = await RegisterAsync(admin, receiver.Url, "reply.posted", "reply.removed");
        receiver.Secret = (string)hook["secret"]!;

        var topic = await app.Moderator().CreateTopicAsync();
        var reply = await app.Member().PostReplyAsync((string)topic["id"]!, "Webhooks, please");

        var first = await receiver.WaitForAsync(w => w.Type == "reply.posted" && w.AnsweredWith == 500);
        var again = await receiver.WaitForAsync(w => w.Id == first.Id && w.AnsweredWith == 200);
        Assert.True(first.SignatureValid);
        Assert.True(again.SignatureValid);
        Assert.Equal(first.Body, again.Body);
        var data = first.Json["data"]!;
        Assert.Equal((string?)topic["id"], (string?)data["topicId"]);
        Assert.Equal((string?)reply["id"], (string?)data["reply"]!["id"]);
        Assert.Equal("Webhooks, please", (string?)data["reply"]!["body"]);
        Assert.Equal(1, (long)data["seq"]!);
        Assert.DoesNotContain(receiver.Received, w => w.Type == "topic.created"); // not subscribed

        // The delivery log, newest first.
        JsonArray items = [];
        await Eventually.TrueAsync(async () =>
        {
            items = (await (await admin.GetAsync($"/api/webhooks/{hook["id"]}/deliveries?limit=10")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray();
            return items.Count >= 2;
        });
        Assert.Equal([2, 1], items.Select(i => (int)i!["attempt"]!));
        Assert.Equal([200, 500], items.Select(i => (int)i!["status"]!));
        Assert.All(items, i => Assert.Equal("reply.posted", (string?)i!["type"]));
    }

    [Fact]
    public async Task ARemovedReplyIsAnnouncedWithoutItsText()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var admin = app.Admin().Http();
        receiver.Secret = (string)(await RegisterAsync(admin, receiver.Url, "*"))["secret"]!;
        var topic = await app.Moderator().CreateTopicAsync();
        var author = app.Member();
        var reply = await author.PostReplyAsync((string)topic["id"]!, "Secret words");
        using (var http = author.Http())
        {
            (await http.DeleteAsync($"/api/replies/{reply["id"]}")).EnsureSuccessStatusCode();
        }
        var removed = await receiver.WaitForAsync(w => w.Type == "reply.removed");
        Assert.True(removed.SignatureValid);
        Assert.DoesNotContain("Secret words", removed.Body);
        Assert.Equal((string?)reply["id"], (string?)removed.Json["data"]!["reply"]!["id"]);
        await receiver.WaitForAsync(w => w.Type == "topic.created");
    }

    [Fact]
    public async Task AReceiverThatAlwaysFailsIsGivenUpAfterMaxAttemptsAndDoesNotHoldUpAnother()
    {
        await using var failing = await WebhookReceiver.StartAsync();
        await using var healthy = await WebhookReceiver.StartAsync();
        failing.Answer = (_, _) => 503;
        using var admin = app.Admin().Http();
        failing.Secret = (string)(await RegisterAsync(admin, failing.Url, "reply.posted"))["secret"]!;
        healthy.Secret = (string)(await RegisterAsync(admin, healthy.Url, "reply.posted"))["secret"]!;

        var topic = await app.Moderator().CreateTopicAsync();
        await app.Member().PostReplyAsync((string)topic["id"]!, "to both");
        var delivered = await healthy.WaitForAsync(w => w.Type == "reply.posted");
        Assert.True(delivered.SignatureValid);
        await failing.WaitForAsync(w => w.Id == delivered.Id && failing.Received.Count(x => x.Id == delivered.Id) >= 3);
        await Task.Delay(1_500); // a fourth attempt would have come by now (retries every 0.3 s)
        Assert.Equal(3, failing.Received.Count(w => w.Id == delivered.Id));
    }
}
