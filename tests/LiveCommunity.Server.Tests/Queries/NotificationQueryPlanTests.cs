using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LiveCommunity.Server.Tests.Queries;

/// <summary>
/// A reader's notification list and unread count read one range of their own index each, on SQLite and (with
/// LC_TEST_DATABASE=postgres) on PostgreSQL, among many other readers' notifications.
/// </summary>
[Trait("Category", TestCategories.QueryPlans)]
[Collection(nameof(QueryPlanTests))]
public sealed class NotificationQueryPlanTests(AppFactory app, ITestOutputHelper output) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task TheListAndTheUnreadCountReadTheReadersIndex()
    {
        _ = app.Server; // started (and migrated) first: migrations are not the statements under test
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var ann = app.Member("Ann");
        var parentId = (string)(await ann.PostReplyAsync(topicId, "what do you think?"))["id"]!;
        for (var i = 0; i < 3; i++)
        {
            await app.Member($"M{i}").PostReplyAsync(topicId, $"answer {i}", parentId);
        }
        await FillAsync(topicId, parentId);
        using var plans = new QueryPlans(app.Database);
        // EF notices a new diagnostic listener only once its cached "is anyone listening" (one second) runs out.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var first = await ann.ListAsync("?limit=2");
            await ann.ListAsync("?limit=2&cursor=" + Uri.EscapeDataString((string)first["nextCursor"]!));
            // Both pages and the count seen (distinct statements: the first page, the page after a cursor, the count).
            return plans.Statements.Where(s => s.Sql.Contains("\"Notifications\"", StringComparison.Ordinal)).DistinctBy(s => s.Sql).Count() >= 3;
        }, TimeSpan.FromSeconds(30), every: TimeSpan.FromMilliseconds(250)));

        var mine = plans.Statements.Where(s => s.Sql.Contains("\"Notifications\"", StringComparison.Ordinal)).DistinctBy(s => s.Sql).ToList();
        var counts = mine.Where(s => s.Sql.Contains("count(", StringComparison.OrdinalIgnoreCase)).ToList();
        var lists = mine.Where(s => s.Sql.Contains("ORDER BY", StringComparison.Ordinal)).Except(counts).ToList();
        Assert.Equal(2, lists.Count); // the first page, and one after a cursor
        Assert.Single(counts);
        foreach (var (statement, index) in lists.Select(s => (s, "IX_Notifications_UserId_Id")).Concat(counts.Select(s => (s, "IX_Notifications_UserId_ReadAt"))))
        {
            var plan = string.Join("\n", await plans.ExplainAsync(statement));
            output.WriteLine(statement.Sql + "\n" + plan + "\n");
            Assert.Contains(index, plan);
            Assert.DoesNotContain("Seq Scan on \"Notifications\"", plan);
            Assert.DoesNotContain("Seq Scan on notifications", plan, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("USE TEMP B-TREE", plan); // the index gives the order: no sort of the reader's rows
            Assert.DoesNotMatch(@"(?m)^SCAN (t|r|n)$", plan); // topics, replies and notifications found by key, never scanned
            Assert.DoesNotContain("Seq Scan on \"Topics\"", plan);
            Assert.DoesNotContain("Seq Scan on \"Replies\"", plan);
        }
    }

    /// <summary>3,000 notifications of 300 other readers, with the planner's statistics taken.</summary>
    private async Task FillAsync(string topicId, string replyId)
    {
        await app.Anonymous().WithDbAsync(async db =>
        {
            var earlier = DateTime.UtcNow.AddDays(-1);
            db.Notifications.AddRange(Enumerable.Range(0, 3_000).Select(i => new Storage.NotificationEntity
            {
                Id = "n_" + Guid.CreateVersion7(earlier.AddSeconds(i)).ToString("N"),
                UserId = $"reader-{i % 300}",
                Kind = "reply",
                TopicId = topicId,
                ReplyId = replyId,
                At = earlier.AddSeconds(i),
                ReadAt = i % 2 == 0 ? earlier : null,
            }));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("ANALYZE \"Notifications\""); // only this table: the others are as small as any new site's
        });
    }
}
