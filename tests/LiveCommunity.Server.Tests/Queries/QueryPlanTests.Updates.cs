using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Queries;

/// <summary>The live blog's statements: posting (with a quote), correcting, deleting, the lists, the quote cascade.</summary>
public sealed partial class QueryPlanTests
{
    [Fact]
    public async Task TheLiveBlogsStatementsReadOnlyARangeOfTheirIndexes()
    {
        _ = app.Server; // started (and migrated) first: migrations are not hot statements
        using var plans = new QueryPlans(app.Database);
        using var anonymous = app.Anonymous().Http();
        // EF notices a new diagnostic listener only once its one-second cache runs out: read until one list is seen.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var fresh = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
            await (await anonymous.GetAsync($"/api/topics/{fresh}/updates?keyEvents=true")).ReadAsync(HttpStatusCode.OK);
            return plans.Statements.Any(s => s.Sql.Contains("\"KeyEvent\"", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), every: TimeSpan.FromMilliseconds(250)));

        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await app.Moderator().PostReplyAsync(topicId, "a reader's words"))["id"]!;
        using var jo = new TestUser(app, Users.Make("Jo", "journalist")).Http();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var posted = await jo.PostAsJsonAsync($"/api/topics/{topicId}/updates",
                new { body = $"update {i}", keyEvent = i % 2 == 0, pinned = i == 1, quoteReplyId = i == 3 ? replyId : null });
            ids.Add((string)(await posted.ReadAsync(HttpStatusCode.Created))["id"]!);
        }
        (await jo.PatchAsJsonAsync($"/api/updates/{ids[0]}", new { body = "update 0, corrected" })).EnsureSuccessStatusCode();
        var first = await (await jo.GetAsync($"/api/topics/{topicId}/updates?limit=1")).ReadAsync(HttpStatusCode.OK);
        await (await jo.GetAsync($"/api/topics/{topicId}/updates?limit=2&cursor={Uri.EscapeDataString((string)first["nextCursor"]!)}"))
            .ReadAsync(HttpStatusCode.OK);
        await (await jo.GetAsync($"/api/topics/{topicId}/updates?keyEvents=true")).ReadAsync(HttpStatusCode.OK);
        using (var moderator = app.Moderator().Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{replyId}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await jo.DeleteAsync($"/api/updates/{ids[2]}")).StatusCode);

        var statements = plans.Statements.Where(s => s.Sql.Contains("\"Updates\"", StringComparison.Ordinal)).DistinctBy(s => s.Sql).ToList();
        // A long blog, with the planner's statistics, before anything is explained: few key events among many updates.
        await app.Anonymous().WithDbAsync(async db =>
        {
            var earlier = DateTime.UtcNow.AddDays(-1);
            db.Updates.AddRange(Enumerable.Range(0, 3_000).Select(i => new Storage.UpdateEntity
            {
                Id = $"fill-{topicId}-{i}",
                TopicId = topicId,
                Seq = 1_000_000 + i,
                AuthorId = "filler",
                AuthorName = "Filler",
                Body = $"older update {i}",
                Html = $"<p>older update {i}</p>",
                KeyEvent = i % 100 == 0,
                CreatedAt = earlier.AddSeconds(i),
            }));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(app.Database.Provider == "Postgres" ? "ANALYZE \"Updates\"" : "ANALYZE");
        });
        Assert.Contains(statements, s => s.Sql.Contains("\"QuoteReplyId\" IN", StringComparison.Ordinal) || s.Sql.Contains("\"QuoteReplyId\" =", StringComparison.Ordinal));
        var offenders = new List<string>();
        foreach (var statement in statements)
        {
            var plan = await plans.ExplainAsync(statement);
            output.WriteLine(statement.Sql + "\n  " + string.Join("\n  ", plan) + "\n");
            if (plan.Any(line => GrowsWithTheTable(line, statement.Sql, plans.IsPostgres)))
            {
                offenders.Add(statement.Sql + "\n  " + string.Join("\n  ", plan));
            }
        }
        Assert.True(offenders.Count == 0, "statements whose cost grows with a table:\n" + string.Join("\n\n", offenders));
        var keyEvents = statements.First(s => s.Sql.Contains("\"KeyEvent\"", StringComparison.Ordinal) && s.Sql.Contains("ORDER BY", StringComparison.Ordinal));
        Assert.Contains("IX_Updates_KeyEvent_TopicId_Pinned_Seq", string.Join("\n", await plans.ExplainAsync(keyEvents)));
    }
}
