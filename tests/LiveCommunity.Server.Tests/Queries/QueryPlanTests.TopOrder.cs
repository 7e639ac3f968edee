using System.Net;
using Microsoft.EntityFrameworkCore;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Queries;

public sealed partial class QueryPlanTests
{
    /// <summary>
    /// ?order=top in a grown topic: page one, a later page (its two ranges) and the featured list each read
    /// IX_Replies_Top or IX_Replies_FeaturedTop in the index's order: no sort of the topic's replies, no scan.
    /// </summary>
    [Fact]
    public async Task TheTopListSeeksTheTopIndexesWithoutSorting()
    {
        _ = app.Server; // started (and migrated) first: migrations are not hot statements
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await FillAsync(topicId, "plan-top-author");
        // Every filler its own score (so a later page reads both ranges), and the topic's lastSeq past its seqs (a walk lists replies posted by then).
        await app.Anonymous().WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync($"""UPDATE "Replies" SET "Score" = "Seq" - 1000000 WHERE "TopicId" = {topicId}""");
            await db.Database.ExecuteSqlAsync($"""UPDATE "Topics" SET "LastSeq" = 2000000 WHERE "Id" = {topicId}""");
            await db.Database.ExecuteSqlRawAsync(app.Database.Provider == "Postgres" ? "ANALYZE \"Replies\"" : "ANALYZE");
        });
        using var plans = new QueryPlans(app.Database);
        using var http = app.Member().Http();
        var limit = 1;
        // EF notices a new listener only after a second (see TheFeaturedListReadsOnlyTheFeaturedIndex): a new
        // limit each round, so no round is answered from the shared pages.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            limit++;
            var first = await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top&limit={limit}")).ReadAsync(HttpStatusCode.OK);
            var cursor = Uri.EscapeDataString((string)first["nextCursor"]!);
            await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top&limit={limit}&cursor={cursor}")).ReadAsync(HttpStatusCode.OK);
            await (await http.GetAsync($"/api/topics/{topicId}/replies?order=top&featured=true&limit={limit}")).ReadAsync(HttpStatusCode.OK);
            return TopReads(plans).Count >= 4;
        }, TimeSpan.FromSeconds(30), every: TimeSpan.FromMilliseconds(250)));

        var reads = TopReads(plans);
        Assert.Contains(reads, s => s.Sql.Contains("\"ScoreSeq\" <=", StringComparison.Ordinal)); // a later page's ranges
        foreach (var read in reads)
        {
            var lines = await plans.ExplainAsync(read);
            var plan = string.Join("\n", lines);
            output.WriteLine(read.Sql + "\n" + plan);
            Assert.Contains(FeaturedFilter().IsMatch(read.Sql) ? "IX_Replies_FeaturedTop" : "IX_Replies_Top", plan);
            Assert.DoesNotContain(plans.IsPostgres ? "Sort" : "TEMP B-TREE", plan);
            Assert.DoesNotContain(lines, line => GrowsWithTheTable(line, read.Sql, plans.IsPostgres));
        }
    }

    private static List<CapturedStatement> TopReads(QueryPlans plans) =>
        [.. plans.Statements.Where(s => s.Sql.Contains("ORDER BY", StringComparison.Ordinal) && s.Sql.Contains("\"Score\" DESC", StringComparison.Ordinal)
            || s.Sql.Contains("\"Score\" =", StringComparison.Ordinal) && s.Sql.Contains("ORDER BY", StringComparison.Ordinal)).DistinctBy(s => s.Sql)];
}
