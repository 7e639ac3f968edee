using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using LiveCommunity.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveCommunity.Server.Tests.Queries;

/// <summary>The defaults people run: the duplicate check on, pre-moderation of a new author's first reply.</summary>
public sealed class DefaultChecksApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:DuplicateReplyWindow", "00:01:00"),
        new("Moderation:PremoderateFirstReplies", "1"),
    ];
}

/// <summary>
/// Every statement the hot paths send (posting, editing, reacting, paging replies and topics, Watch replay, the
/// ban and duplicate checks) is run through the database's own planner, on SQLite and, with
/// LC_TEST_DATABASE=postgres, on PostgreSQL: none may scan a table that grows with a story, its users or its
/// history, so a cost per write or read that rises with the topic's size fails here rather than in production.
/// </summary>
// EF's diagnostic events are process-wide: alone, so that no other host's work crowds or races the capture
// (a parallel run once missed this host's Replies statements).
[CollectionDefinition(nameof(QueryPlanTests), DisableParallelization = true)]
public sealed class QueryPlanCollection;

[Trait("Category", TestCategories.QueryPlans)]
[Collection(nameof(QueryPlanTests))]
public sealed partial class QueryPlanTests(DefaultChecksApp app, ITestOutputHelper output) : IClassFixture<DefaultChecksApp>
{
    // Not "Mutes": all of one reader's rows are read on purpose (GET /api/me, the bound check), and they are at
    // most MuteService.MaxMuted (1,000) whatever the site's size; the lookups still run below, by the key.
    private static readonly string[] GrowingTables =
        ["Replies", "TopicEvents", "Reactions", "ReactionCounts", "Users", "Reports", "PendingReactionEvents", "ModerationLog", "Topics", "Notifications", "Updates"];

    [Fact]
    public async Task NoHotStatementScansATableThatGrowsWithAStory()
    {
        _ = app.Server; // started (and migrated) first: migrations are not hot statements
        using var plans = new QueryPlans(app.Database);
        await RunTheHotPathsAsync();

        var statements = plans.Statements;
        Assert.Contains(statements, s => s.Sql.Contains("\"Replies\"", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Sql.Contains("\"TopicEvents\"", StringComparison.Ordinal));
        var offenders = new List<string>();
        foreach (var statement in statements.DistinctBy(s => s.Sql))
        {
            var plan = await plans.ExplainAsync(statement);
            output.WriteLine(statement.Sql + "\n  " + string.Join("\n  ", plan) + "\n");
            if (plan.Any(line => GrowsWithTheTable(line, statement.Sql, plans.IsPostgres)))
            {
                offenders.Add(statement.Sql + "\n  " + string.Join("\n  ", plan));
            }
        }
        Assert.True(offenders.Count == 0, "statements whose cost grows with a table:\n" + string.Join("\n\n", offenders));
    }

    [Fact]
    public async Task TheFeaturedListReadsOnlyTheFeaturedIndex()
    {
        _ = app.Server; // started (and migrated) first: migrations are not hot statements
        using var plans = new QueryPlans(app.Database);
        using var http = app.Member().Http();
        // EF notices a new diagnostic listener only when its cached "is anyone listening" (LoggingCacheTime, one
        // second) runs out, so a read made at once can go unseen: read a new topic's list (never cached) until one is.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
            await (await http.GetAsync($"/api/topics/{topicId}/replies?featured=true")).ReadAsync(HttpStatusCode.OK);
            return plans.Statements.Any(s => FeaturedFilter().IsMatch(s.Sql));
        }, TimeSpan.FromSeconds(30), every: TimeSpan.FromMilliseconds(250)));

        var list = plans.Statements.First(s => FeaturedFilter().IsMatch(s.Sql));
        Assert.Contains("IX_Replies_Featured_TopicId_Seq", string.Join("\n", await plans.ExplainAsync(list)));
    }

    [Fact]
    public async Task TheDuplicateCheckIsOneSearchOfTheAuthorTopicAndTextIndexPerReplyOfTheBatch()
    {
        _ = app.Server; // started (and migrated) first: migrations are not hot statements
        using var plans = new QueryPlans(app.Database);
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var moderator = app.Moderator("Mo");
        await FillAsync(topicId, moderator.Id);
        await moderator.PostReplyAsync(topicId, "Same words");
        using var http = moderator.Http();
        var again = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Same words" });
        await again.ProblemAsync(HttpStatusCode.Conflict);
        // And a batch of five replies by three authors: one search per (author, text) pair, not one per combination.
        var writer = app.Services.GetRequiredService<LiveCommunity.Server.Writes.TopicWriter>();
        var counts = app.Services.GetRequiredService<LiveCommunity.Server.Storage.ReactionCounts>();
        await using (var blocked = await Tests.Writes.WritePipelineTests.Blocked.StartAsync(writer, topicId))
        {
            var posts = Enumerable.Range(0, 5).Select(i => writer.WriteAsync(new LiveCommunity.Server.Replies.PostReplyCommand(
                new LiveCommunity.Server.Auth.Caller($"plan-author-{i % 3}", "Author", LiveCommunity.Server.Auth.Roles.Moderator),
                topicId, $"batch words {i}", null, counts, TimeSpan.FromMinutes(1),
                app.Services.GetRequiredService<LiveCommunity.Server.Notifications.Notifier>()))).ToList();
            await Eventually.TrueAsync(() => writer.Queued >= posts.Count + 1, TimeSpan.FromSeconds(30));
            blocked.Release();
            await Task.WhenAll(posts);
        }

        var checks = plans.Statements.Where(s => s.Sql.Contains("\"BodyHash\"", StringComparison.Ordinal)).DistinctBy(s => s.Sql).ToList();
        Assert.Contains(checks, s => CountOf(s.Sql, "\"BodyHash\" =") == 8); // five pairs, padded to eight
        foreach (var check in checks)
        {
            var lines = await plans.ExplainAsync(check);
            var plan = string.Join("\n", lines);
            output.WriteLine(check.Sql + "\n" + plan);
            Assert.Contains("IX_Replies_AuthorId_TopicId_BodyHash_CreatedAt", plan);
            if (plans.IsPostgres)
            {
                Assert.DoesNotContain("Seq Scan", plan);
                Assert.All(lines.Where(l => l.Contains("Index Cond", StringComparison.Ordinal)),
                    l => Assert.Matches(@"""AuthorId"".*""TopicId"".*""BodyHash"".*""CreatedAt""", l));
            }
            else
            {
                Assert.All(lines.Where(l => l.Contains("SEARCH", StringComparison.Ordinal) || l.Contains("SCAN", StringComparison.Ordinal)),
                    l => Assert.Contains("(AuthorId=? AND TopicId=? AND BodyHash=? AND CreatedAt>?)", l));
            }
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>
    /// A story that has grown: 3,000 older replies (a tenth by <paramref name="authorId"/>), with the planner's
    /// statistics taken, so that each database chooses as it would for a big topic and not for an empty table
    /// (where PostgreSQL takes any index of the topic as good as another).
    /// </summary>
    private async Task FillAsync(string topicId, string authorId)
    {
        await app.Anonymous().WithDbAsync(async db =>
        {
            var earlier = DateTime.UtcNow.AddDays(-1);
            db.Replies.AddRange(Enumerable.Range(0, 3_000).Select(i => new Storage.ReplyEntity
            {
                Id = $"fill-{topicId}-{i}",
                TopicId = topicId,
                AuthorId = i % 10 == 0 ? authorId : $"filler-{i % 300}",
                AuthorName = "Filler",
                Body = $"older reply {i}",
                CreatedAt = earlier.AddSeconds(i),
                Seq = 1_000_000 + i,
            }));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(app.Database.Provider == "Postgres" ? "ANALYZE \"Replies\"" : "ANALYZE");
        });
    }

    /// <summary>
    /// A plan line that reads rows in proportion to a growing table: any sequential scan; on SQLite also a full
    /// walk of an index without a LIMIT, or a search on one column that whole topics or authors share
    /// (e.g. "TopicId=?") without a LIMIT to stop it. SQLite names a table by its alias in the statement.
    /// </summary>
    private static bool GrowsWithTheTable(string line, string sql, bool postgres)
    {
        if (postgres)
        {
            return PostgresSeqScan().Match(line) is { Success: true } seq && GrowingTables.Contains(seq.Groups[1].Value);
        }
        if (SqliteStep().Match(line) is not { Success: true } step)
        {
            return false;
        }
        var aliases = Aliases().Matches(sql).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
        var table = aliases.GetValueOrDefault(step.Groups[2].Value, step.Groups[2].Value);
        if (!GrowingTables.Contains(table))
        {
            return false;
        }
        var limited = sql.Contains("LIMIT", StringComparison.OrdinalIgnoreCase);
        return step.Groups[1].Value == "SCAN"
            ? !(limited && line.Contains(" INDEX ", StringComparison.Ordinal))
            : !limited && OneSharedColumn().IsMatch(line);
    }

    // The featured filter as each provider writes it: SQLite quotes the alias ("r"."Featured"), Npgsql does not (r."Featured").
    [GeneratedRegex(@"AND ""?r""?\.""Featured""")]
    private static partial Regex FeaturedFilter();

    [GeneratedRegex(@"Seq Scan on ""?(\w+)""?")]
    private static partial Regex PostgresSeqScan();

    [GeneratedRegex(@"^(SCAN|SEARCH) (\w+)\b")]
    private static partial Regex SqliteStep();

    [GeneratedRegex(@"""(\w+)"" AS ""(\w+)""")]
    private static partial Regex Aliases();

    [GeneratedRegex(@"\((TopicId|AuthorId|UserId)=\?\)$")]
    private static partial Regex OneSharedColumn();

    private async Task RunTheHotPathsAsync()
    {
        var moderator = app.Moderator("Mo");
        await moderator.CreateTopicAsync("An older story");
        var topicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        var replyIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            replyIds.Add((string)(await moderator.PostReplyAsync(topicId, $"Reply {i}", i == 0 ? null : replyIds[0]))["id"]!);
        }
        var member = app.Member("Newcomer");
        using var memberHttp = member.Http();
        (await memberHttp.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "Held for review" })).EnsureSuccessStatusCode();
        (await memberHttp.PutAsync($"/api/replies/{replyIds[1]}/reactions/like", null)).EnsureSuccessStatusCode();
        (await memberHttp.PutAsync($"/api/topics/{topicId}/reactions/like", null)).EnsureSuccessStatusCode();
        (await memberHttp.DeleteAsync($"/api/replies/{replyIds[1]}/reactions/like")).EnsureSuccessStatusCode();
        using var moderatorHttp = moderator.Http();
        (await moderatorHttp.PatchAsJsonAsync($"/api/replies/{replyIds[2]}", new { body = "Reply 2, corrected" })).EnsureSuccessStatusCode();

        var first = await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?limit=2")).ReadAsync(HttpStatusCode.OK);
        var cursor = Uri.EscapeDataString((string)first["nextCursor"]!);
        await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?limit=2&cursor={cursor}")).ReadAsync(HttpStatusCode.OK);
        await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?limit=2&order=newest")).ReadAsync(HttpStatusCode.OK);
        // Featuring and the featured list; muting, and a list filtered by the reader's mutes, and GET /api/me.
        (await moderatorHttp.PutAsync($"/api/replies/{replyIds[1]}/featured", null)).EnsureSuccessStatusCode();
        await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?featured=true")).ReadAsync(HttpStatusCode.OK);
        var top = await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?limit=2&order=top")).ReadAsync(HttpStatusCode.OK);
        await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?limit=2&order=top&cursor={Uri.EscapeDataString((string)top["nextCursor"]!)}")).ReadAsync(HttpStatusCode.OK);
        await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?order=top&featured=true")).ReadAsync(HttpStatusCode.OK);
        (await moderatorHttp.DeleteAsync($"/api/replies/{replyIds[1]}/featured")).EnsureSuccessStatusCode();
        (await memberHttp.PutAsync($"/api/me/muted/{moderator.Id}", null)).EnsureSuccessStatusCode();
        await (await memberHttp.GetAsync($"/api/topics/{topicId}/replies?limit=3&order=newest")).ReadAsync(HttpStatusCode.OK);
        await (await memberHttp.GetAsync("/api/me")).ReadAsync(HttpStatusCode.OK);
        (await memberHttp.DeleteAsync($"/api/me/muted/{moderator.Id}")).EnsureSuccessStatusCode();
        var topics = await (await memberHttp.GetAsync("/api/topics?limit=1")).ReadAsync(HttpStatusCode.OK);
        if (topics["nextCursor"] is { } topicCursor)
        {
            await (await memberHttp.GetAsync($"/api/topics?limit=1&cursor={Uri.EscapeDataString((string)topicCursor!)}")).ReadAsync(HttpStatusCode.OK);
        }
        await (await memberHttp.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);

        await using var watcher = await member.ConnectAsync();
        await watcher.WatchAsync(topicId, afterSeq: 1);
        await watcher.WatchTopicsAsync();
    }
}
