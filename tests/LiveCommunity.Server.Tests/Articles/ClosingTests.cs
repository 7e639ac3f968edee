using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Articles;

/// <summary>A host that closes topics a few seconds after creation unless they say otherwise, and sweeps every second.</summary>
public sealed class ClosingApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Topics:CloseAfter", "00:00:02"),
        new("Topics:CloseSweepEvery", "00:00:01"),
    ];
}

public sealed class ClosingTests(ClosingApp app) : IClassFixture<ClosingApp>
{
    [Fact]
    public async Task AnArticlePastItsClosingTimeRefusesRepliesAndItsWatchersHearItClosed()
    {
        using var http = new TestUser(app, Users.Make("cms", "publisher")).Http();
        var articleId = "closing-" + Guid.NewGuid().ToString("N")[..10];
        var closesAt = DateTime.UtcNow.AddSeconds(10);
        var topic = await (await http.PutAsJsonAsync($"/api/articles/{articleId}", new { title = "Closes soon", url = "https://news.example/c", closesAt }))
            .ReadAsync(HttpStatusCode.Created);
        var topicId = (string)topic["id"]!;
        Assert.False((bool)topic["closed"]!);
        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync(topicId);
        var reader = app.Member();
        await reader.PostReplyAsync(topicId, "Before the close");

        var closed = await watcher.WaitForAsync("TopicUpdated", e => (bool?)e["topic"]?["closed"] == true, timeoutMs: 30_000);
        Assert.Equal(topicId, (string?)closed["topicId"]);
        using var readerHttp = reader.Http();
        var refused = await (await readerHttp.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Too late" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("closed", (string?)refused["detail"]);
        using var anonymous = app.Anonymous().Http();
        Assert.True((bool)(await (await anonymous.GetAsync($"/api/articles/{articleId}")).ReadAsync(HttpStatusCode.OK))["closed"]!);
    }

    [Fact]
    public async Task TopicsWithoutTheirOwnClosingTimeCloseAfterTopicsCloseAfter()
    {
        var topic = await app.Moderator().CreateTopicAsync();
        var createdAt = DateTime.Parse((string)topic["createdAt"]!, null, System.Globalization.DateTimeStyles.RoundtripKind);
        var closesAt = DateTime.Parse((string)topic["closesAt"]!, null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.Equal(TimeSpan.FromSeconds(2), closesAt - createdAt);

        await using var watcher = await app.Anonymous().ConnectAsync();
        await watcher.WatchAsync((string)topic["id"]!);
        await watcher.WaitForAsync("TopicUpdated", e => (bool?)e["topic"]?["closed"] == true, timeoutMs: 30_000);
        using var http = app.Member().Http();
        var refused = await (await http.PostAsJsonAsync($"/api/topics/{topic["id"]}/replies", new { body = "Too late" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("closed", (string?)refused["detail"]);
    }
}
