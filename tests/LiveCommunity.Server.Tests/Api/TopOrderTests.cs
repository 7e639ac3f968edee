using System.Net;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Tests.Api;

/// <summary>
/// Weights of its own (like 3, insightful 1, disagree unnamed: 0), and every reaction's event at once (no
/// coalescing window), so each change moves the topic's version and no shared page is read stale.
/// </summary>
public sealed class TopOrderApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Reactions:CoalesceWindow", "00:00:00"),
        new("Reactions:Score:like", "3"),
        new("Reactions:Score:insightful", "1"),
    ];
}

/// <summary>GET /api/topics/{id}/replies?order=top (PROTOCOL.md v3): by score, ties by seq, each reply at most once per walk.</summary>
public sealed class TopOrderTests(TopOrderApp app) : IClassFixture<TopOrderApp>
{
    private static async Task<List<string>> IdsAsync(HttpClient http, string url) =>
        [.. (await (await http.GetAsync(url)).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(r => (string)r!["id"]!)];

    // The same readers in every test, so a reader can take back the reaction they gave.
    private readonly TestUser[] _fans = [.. Enumerable.Range(0, 4).Select(i => app.Member($"Fan{i}"))];

    private async Task ReactAsync(string replyId, string kind, int readers = 1, bool remove = false)
    {
        for (var i = 0; i < readers; i++)
        {
            using var http = _fans[i].Http();
            var response = remove
                ? await http.DeleteAsync($"/api/replies/{replyId}/reactions/{kind}")
                : await http.PutAsync($"/api/replies/{replyId}/reactions/{kind}", null);
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task<(string TopicId, List<string> Replies)> TopicAsync(int replies, TestUser? author = null)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var ids = new List<string>();
        for (var i = 0; i < replies; i++)
        {
            ids.Add((string)(await (author ?? app.Member("Writer")).PostReplyAsync(topicId, $"reply {i}"))["id"]!);
        }
        return (topicId, ids);
    }

    [Fact]
    public async Task RepliesComeByTheConfiguredWeightsHighestFirstAndTiesBySeq()
    {
        var (topicId, r) = await TopicAsync(5);
        await ReactAsync(r[0], "insightful");         // 1
        await ReactAsync(r[4], "like");               // 3, posted after r[1]
        await ReactAsync(r[1], "insightful", 3);      // 3
        await ReactAsync(r[2], "disagree", 2);        // 0: disagree weighs nothing
        await ReactAsync(r[3], "like");
        await ReactAsync(r[3], "insightful");         // 4
        using var anonymous = app.Anonymous().Http();
        Assert.Equal([r[3], r[1], r[4], r[0], r[2]], await IdsAsync(anonymous, $"/api/topics/{topicId}/replies?order=top"));
        Assert.Equal([r[3], r[1], r[4], r[0], r[2]], await PageWalk.AllAsync(anonymous, $"/api/topics/{topicId}/replies?order=top&limit=2", "id"));

        await ReactAsync(r[3], "like", remove: true); // 1 now, tied with r[0], which is older
        using var member = app.Member().Http();
        Assert.Equal([r[1], r[4], r[0], r[3], r[2]], await IdsAsync(member, $"/api/topics/{topicId}/replies?order=TOP"));
        Assert.Equal([r[1], r[4], r[0], r[3], r[2]], await IdsAsync(anonymous, $"/api/topics/{topicId}/replies?order=top"));
    }

    [Fact]
    public async Task AWalkListsEachReplyAtMostOnceWhileScoresChangeBetweenPages()
    {
        var (topicId, r) = await TopicAsync(6);
        await ReactAsync(r[0], "like");
        await ReactAsync(r[0], "insightful"); // 4
        await ReactAsync(r[1], "like");       // 3
        await ReactAsync(r[2], "insightful"); // 1; r[3], r[4], r[5]: 0
        using var http = app.Member("Walker").Http();
        var url = $"/api/topics/{topicId}/replies?order=top&limit=2";
        var seen = new List<string>();
        var page = await (await http.GetAsync(url)).ReadAsync(HttpStatusCode.OK);
        seen.AddRange(page["items"]!.AsArray().Select(x => (string)x!["id"]!));
        Assert.Equal([r[0], r[1]], seen);

        // A listed reply falls below the cursor (keyset alone would list it again), an unlisted one rises above it.
        await ReactAsync(r[1], "like", remove: true);
        await ReactAsync(r[3], "like", 2);
        var added = (string)(await app.Member().PostReplyAsync(topicId, "new since the walk began"))["id"]!;
        page = await (await http.GetAsync(url + "&cursor=" + Uri.EscapeDataString((string)page["nextCursor"]!))).ReadAsync(HttpStatusCode.OK);
        seen.AddRange(page["items"]!.AsArray().Select(x => (string)x!["id"]!));

        // A listed reply rises again and another falls.
        await ReactAsync(r[0], "like", 3);
        await ReactAsync(r[2], "insightful", remove: true);
        while ((string?)page["nextCursor"] is { } cursor)
        {
            page = await (await http.GetAsync(url + "&cursor=" + Uri.EscapeDataString(cursor))).ReadAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(x => (string)x!["id"]!));
        }
        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal([r[0], r[1], r[2], r[4], r[5]], seen); // r[3] and the new one moved or came after the walk began
        Assert.DoesNotContain(added, seen);

        // A new walk sees everything in its current order.
        Assert.Equal(new[] { r[0], r[3], r[1], r[2], r[4], r[5], added }.Order(), (await PageWalk.AllAsync(http, url, "id")).Order());
    }

    [Fact]
    public async Task FeaturedAndMutedListsKeepTheirFiltersInTopOrder()
    {
        var troll = app.Member("Troll");
        var (topicId, r) = await TopicAsync(4);
        var bait = (string)(await troll.PostReplyAsync(topicId, "bait"))["id"]!;
        await ReactAsync(bait, "like", 2);
        await ReactAsync(r[2], "like");
        await ReactAsync(r[3], "insightful");
        using (var jo = new TestUser(app, Users.Make("Jo", "journalist")).Http())
        {
            foreach (var id in new[] { r[1], r[3], bait })
            {
                (await jo.PutAsync($"/api/replies/{id}/featured", null)).EnsureSuccessStatusCode();
            }
        }
        using var reader = app.Member("Reader").Http();
        Assert.Equal([bait, r[3], r[1]], await IdsAsync(reader, $"/api/topics/{topicId}/replies?order=top&featured=true"));
        Assert.Equal([bait, r[3], r[1]], await PageWalk.AllAsync(reader, $"/api/topics/{topicId}/replies?order=top&featured=true&limit=2", "id"));

        (await reader.PutAsync($"/api/me/muted/{troll.Id}", null)).EnsureSuccessStatusCode();
        Assert.Equal([r[2], r[3], r[0], r[1]], await IdsAsync(reader, $"/api/topics/{topicId}/replies?order=top"));
        Assert.Equal([r[3], r[1]], await PageWalk.AllAsync(reader, $"/api/topics/{topicId}/replies?order=top&featured=true&limit=1", "id"));
        using var anonymous = app.Anonymous().Http();
        Assert.Equal([bait, r[2], r[3], r[0], r[1]], await IdsAsync(anonymous, $"/api/topics/{topicId}/replies?order=top"));
    }

    [Fact]
    public async Task BadOrdersAndCursorsAreRefused()
    {
        var (topicId, _) = await TopicAsync(3);
        using var http = app.Anonymous().Http();
        var bad = await (await http.GetAsync($"/api/topics/{topicId}/replies?order=best")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("top", (string)bad["errors"]!["order"]![0]!);

        var oldest = await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=1")).ReadAsync(HttpStatusCode.OK);
        var top = await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=1&order=top")).ReadAsync(HttpStatusCode.OK);
        var oldestCursor = Uri.EscapeDataString((string)oldest["nextCursor"]!);
        var topCursor = Uri.EscapeDataString((string)top["nextCursor"]!);
        await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top&cursor={oldestCursor}")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.GetAsync($"/api/topics/{topicId}/replies?cursor={topCursor}")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top&cursor={topCursor}")).ReadAsync(HttpStatusCode.OK);

        // Well-formed but never issued: a score the reply did not have, a seq of no reply, a walk from the future.
        var lastSeq = (long)top["lastSeq"]!;
        var seq = (long)oldest["items"]![0]!["seq"]!;
        foreach (var made in new[] { $"{lastSeq}.7.{seq}", $"{lastSeq}.0.999999", $"{lastSeq + 50}.0.{seq}", $"{lastSeq}.0.0{seq}", $"{lastSeq}.-1.{seq}" })
        {
            var cursor = Uri.EscapeDataString(LiveCommunity.Server.Common.Cursor.Encode(made));
            await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top&cursor={cursor}")).ProblemAsync(HttpStatusCode.BadRequest);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/topics/no-such-topic/replies?order=top")).StatusCode);
    }
}

/// <summary>Scores recomputed when the weights change (its own app: it rewrites every reply's score).</summary>
public sealed class ReplyScoresTests(TopOrderApp app) : IClassFixture<TopOrderApp>
{
    [Fact]
    public async Task NewWeightsRecomputeEveryStoredScoreOnce()
    {
        var (_, r) = await ReactedTopic.CreateAsync(app, (0, "like"), (1, "insightful"), (1, "insightful"));
        var options = new ReactionsOptions { Kinds = [.. ReactionsOptions.DefaultKinds], Score = new() { ["like"] = 1, ["insightful"] = 5 } };
        var scores = new ReplyScores(Options.Create(options));
        await app.Anonymous().WithDbAsync(async db =>
        {
            Assert.Equal([3L, 2L], await ScoresAsync(db, r));
            Assert.True(await scores.RefreshAsync(db));
            Assert.False(await scores.RefreshAsync(db)); // the fingerprint is stored: not again
            Assert.Equal([1L, 10L], await ScoresAsync(db, r));
            Assert.True(await new ReplyScores(app.Services.GetRequiredService<IOptions<ReactionsOptions>>()).RefreshAsync(db));
            Assert.Equal([3L, 2L], await ScoresAsync(db, r));
        });
    }

    private static async Task<List<long>> ScoresAsync(CommunityDb db, List<string> ids) =>
        [.. (await db.Replies.AsNoTracking().Where(x => ids.Contains(x.Id)).ToListAsync()).OrderBy(x => ids.IndexOf(x.Id)).Select(x => x.Score)];
}

/// <summary>The default weights (like 1, insightful 2, disagree 0), and weights the server refuses to start with.</summary>
public sealed class TopOrderDefaultsTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task TheDefaultWeightsPutInsightfulAboveLikeAndDisagreeNowhere()
    {
        var (topicId, r) = await ReactedTopic.CreateAsync(app, (0, "disagree"), (1, "like"), (2, "insightful"));
        using var http = app.Member().Http();
        var items = (await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top")).ReadAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal([r[2], r[1], r[0]], items.Select(x => (string)x!["id"]!));
    }

    [Theory]
    [InlineData("Reactions:Score:love", "1")]
    [InlineData("Reactions:Score:like", "-1")]
    public void WeightsOfUnknownKindsOrBelowZeroAreRefusedAtStart(string key, string value)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting(key, value);
            builder.UseSetting("ConnectionStrings:Database", $"Data Source={Path.Combine(Path.GetTempPath(), $"lc-score-{Guid.NewGuid():N}.db")}");
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Reactions:Score", error.ToString());
    }
}

/// <summary>A topic whose replies got reactions, each from a reader of its own: (reply index, kind).</summary>
internal static class ReactedTopic
{
    public static async Task<(string TopicId, List<string> Replies)> CreateAsync(AppFactory app, params (int Reply, string Kind)[] reactions)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replies = new List<string>();
        for (var i = 0; i <= reactions.Max(x => x.Reply); i++)
        {
            replies.Add((string)(await app.Member().PostReplyAsync(topicId, $"reply {i}"))["id"]!);
        }
        foreach (var (reply, kind) in reactions)
        {
            using var fan = app.Member().Http();
            (await fan.PutAsync($"/api/replies/{replies[reply]}/reactions/{kind}", null)).EnsureSuccessStatusCode();
        }
        return (topicId, replies);
    }
}
