using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>Edits go through pre-moderation (PROTOCOL.md v3 "Changes that close abuse seams"): versions, QueueChanged, holds.</summary>
public sealed class EditPreModerationTests(QueueApp app) : IClassFixture<QueueApp>
{
    [Fact]
    public async Task AnApproveOfTextEditedSinceTheModeratorLoadedItIsAConflict()
    {
        var topicId = await NewTopicAsync();
        using var moderator = app.Moderator().Http();
        (await moderator.PutAsync($"/api/topics/{topicId}/premoderation", null)).EnsureSuccessStatusCode();
        var author = app.Member("author");
        using var http = author.Http();
        var heldId = (string)(await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "harmless at first" }))
            .ReadAsync(HttpStatusCode.Accepted))["id"]!;
        await using var moderatorHub = await app.Moderator().ConnectAsync();
        var changes = new List<string>();
        moderatorHub.Connection.On<JsonElement>("QueueChanged", e =>
        {
            lock (changes)
            {
                if (e.GetProperty("replyId").GetString() == heldId)
                {
                    changes.Add(e.GetProperty("state").GetString()!);
                }
            }
        });
        await moderatorHub.Connection.InvokeAsync<JsonElement>("WatchQueue");
        var shown = await ItemAsync(moderator, topicId, heldId);
        Assert.Equal("harmless at first", (string?)shown["reply"]!["body"]);
        var shownVersion = (int)shown["version"]!;

        var edited = await (await http.PatchAsJsonAsync($"/api/replies/{heldId}", new { body = "something else entirely" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)edited["status"]);
        await moderatorHub.WaitUntilAsync(_ => { lock (changes) { return changes.Contains("pending"); } }, what: "QueueChanged pending after the edit");

        var stale = await moderator.PostAsJsonAsync($"/api/moderation/queue/{heldId}/approve", new { version = shownVersion });
        await stale.ProblemAsync(HttpStatusCode.Conflict);
        await (await moderator.PostAsJsonAsync($"/api/moderation/queue/{heldId}/approve", new { version = -1 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await VisibleAsync(topicId));

        var reloaded = await ItemAsync(moderator, topicId, heldId);
        Assert.Equal("something else entirely", (string?)reloaded["reply"]!["body"]);
        Assert.Equal(shownVersion + 1, (int)reloaded["version"]!);
        var approved = await (await moderator.PostAsJsonAsync($"/api/moderation/queue/{heldId}/approve", new { version = shownVersion + 1 }))
            .ReadAsync(HttpStatusCode.OK);
        Assert.Equal("something else entirely", (string?)approved["body"]);
        Assert.Equal(["something else entirely"], await VisibleAsync(topicId));

        // Older clients send no version: their approve works as before.
        var otherId = (string)(await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "a second one" }))
            .ReadAsync(HttpStatusCode.Accepted))["id"]!;
        (await moderator.PostAsync($"/api/moderation/queue/{otherId}/approve", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AnEditThatPreModerationWouldHoldTakesAPublishedReplyOffReadersPagesUntilApproved()
    {
        var topicId = await NewTopicAsync();
        var author = app.Member("author");
        var replyId = (string)(await author.PostReplyAsync(topicId, "a fair point"))["id"]!;
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);

        using var http = author.Http();
        var edited = await (await http.PatchAsJsonAsync($"/api/replies/{replyId}", new { body = "buy my miracle cure" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("pending", (string?)edited["status"]);
        await watcher.WaitForAsync("ReplyRemoved", e => (string?)e["replyId"] == replyId);
        Assert.Empty(await VisibleAsync(topicId));
        await using (var late = await app.Anonymous().ConnectAsync())
        {
            Assert.DoesNotContain("miracle", (await late.WatchAsync(topicId, 0)).ToJsonString());
        }
        Assert.DoesNotContain(watcher.Received, e => e.Payload.ToJsonString().Contains("miracle", StringComparison.Ordinal));

        // Its author may still fix it while it waits; readers hear nothing of that either.
        (await http.PatchAsJsonAsync($"/api/replies/{replyId}", new { body = "buy my miracle cure, now cheaper" })).EnsureSuccessStatusCode();
        using var moderator = app.Moderator().Http();
        var item = await ItemAsync(moderator, topicId, replyId);
        Assert.Equal("pending", (string?)item["state"]);
        Assert.True((bool)item["hidden"]!);
        Assert.Equal("buy my miracle cure, now cheaper", (string?)item["reply"]!["body"]);

        (await moderator.PostAsJsonAsync($"/api/moderation/queue/{replyId}/approve", new { version = (int)item["version"]! })).EnsureSuccessStatusCode();
        var restored = await watcher.WaitForAsync("ReplyRestored", e => (string?)e["reply"]!["id"] == replyId);
        Assert.Equal("buy my miracle cure, now cheaper", (string?)restored["reply"]!["body"]);
        Assert.Equal(["buy my miracle cure, now cheaper"], await VisibleAsync(topicId));
    }

    private async Task<string> NewTopicAsync() => (string)(await app.Moderator().CreateTopicAsync())["id"]!;

    private static async Task<JsonNode> ItemAsync(HttpClient moderator, string topicId, string replyId) =>
        (await (await moderator.GetAsync($"/api/moderation/queue?topicId={topicId}")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray()
        .Single(i => (string?)i!["reply"]!["id"] == replyId)!;

    private async Task<List<string>> VisibleAsync(string topicId)
    {
        using var http = app.Anonymous().Http();
        var page = await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=200")).ReadAsync(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(r => (string)r!["body"]!)];
    }
}
