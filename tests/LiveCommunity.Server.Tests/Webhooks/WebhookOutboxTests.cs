using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Webhooks;

/// <summary>A dispatcher that never reads the outbox, so what the writes left in it stays to be counted.</summary>
public sealed class IdleDispatcherApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Webhooks:PollInterval", "01:00:00"),
        new("Webhooks:LeaseDuration", "04:00:00"),
        new("Webhooks:AllowPrivateNetworks", "true"),
    ];
}

public sealed class WebhookOutboxTests(IdleDispatcherApp app) : IClassFixture<IdleDispatcherApp>
{
    [Fact]
    public async Task ASiteWithoutWebhooksWritesNoOutboxRowsAndOneWithAWebhookDoes()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await app.Member().PostReplyAsync(topicId, "Nobody listens yet");
        Assert.Equal(0, await OutboxRowsAsync());

        using var admin = app.Admin().Http();
        var registered = await admin.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "reply.posted" } });
        await registered.ReadAsync(System.Net.HttpStatusCode.Created);
        await app.Member().PostReplyAsync(topicId, "Now somebody does");
        Assert.Equal(1, await OutboxRowsAsync());
    }

    private async Task<int> OutboxRowsAsync()
    {
        await using var db = app.Database.Open();
        return await db.WebhookOutbox.CountAsync();
    }
}
