using System.Net;
using System.Net.Http.Headers;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.ReadCache;

public sealed class SmallReadCacheApp : AppFactory
{
    public const long Budget = 256 * 1024;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("ReadCache:MaxBytes", Budget.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public ReadCacheStore Store => Services.GetRequiredService<ReadCacheStore>();
}

/// <summary>
/// The read cache holds built responses within one budget in bytes (ReadCache:MaxBytes), whatever the traffic:
/// many topics, many versions, large pages, made-up cursors.
/// </summary>
public sealed class ReadCacheBudgetTests(SmallReadCacheApp app) : IClassFixture<SmallReadCacheApp>
{
    [Fact]
    public async Task ReadsOfManyTopicsAndVersionsNeverKeepMoreThanTheBudget()
    {
        var topics = new List<string>();
        for (var t = 0; t < 6; t++)
        {
            topics.Add((string)(await app.Moderator().CreateTopicAsync($"Story {t}", new string('t', 2000)))["id"]!);
        }
        var author = app.Member("author");
        using var anonymous = app.Anonymous().Http();
        using var signedIn = app.Member("reader").Http();
        var peak = 0L;
        for (var round = 0; round < 8; round++)
        {
            foreach (var topicId in topics)
            {
                // A new version of the topic, then every page of it, anonymous (output cache) and signed in (shared pages).
                await author.PostReplyAsync(topicId, $"round {round} " + new string('r', 1500));
                foreach (var http in new[] { anonymous, signedIn })
                {
                    foreach (var path in new[] { $"/api/topics/{topicId}", $"/api/topics/{topicId}/replies", $"/api/topics/{topicId}/replies?order=newest&limit=20", "/api/topics?limit=100" })
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, path);
                        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
                        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
                        peak = Math.Max(peak, app.Store.Bytes);
                        Assert.True(app.Store.Bytes <= SmallReadCacheApp.Budget, $"the read cache holds {app.Store.Bytes} bytes, over its budget of {SmallReadCacheApp.Budget}");
                    }
                }
            }
        }
        // The workload was more than the budget holds (8 versions × 6 topics × pages of several KB), and it filled it.
        Assert.True(peak > SmallReadCacheApp.Budget / 2, $"the cache never filled (peak {peak} bytes): the test proves nothing");
    }

    [Fact]
    public async Task MadeUpCursorsAreRefusedAndKeepNothing()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync("Cursors", "body"))["id"]!;
        for (var i = 0; i < 5; i++)
        {
            await app.Member().PostReplyAsync(topicId, $"reply {i}");
        }
        using var http = app.Anonymous().Http();
        using var signedIn = app.Member("reader").Http();
        // Warm the pages a real reader sees, so what follows starts from a cache that holds them.
        var first = await (await http.GetAsync($"/api/topics/{topicId}/replies?limit=2")).ReadAsync(HttpStatusCode.OK);
        var issued = (string)first["nextCursor"]!;
        await http.GetAsync($"/api/topics/{topicId}/replies?limit=2&cursor={issued}");
        var topicsCursor = (string)(await (await http.GetAsync("/api/topics?limit=1")).ReadAsync(HttpStatusCode.OK))["nextCursor"]!;
        await http.GetAsync($"/api/topics?limit=1&cursor={topicsCursor}");
        var entries = app.Store.Entries;

        // Cursors of the one spelling the server issues, naming positions no reply or topic is at: 400 of them,
        // each three times, newer than every topic (so a page would be full) or past every reply.
        var ahead = DateTime.UtcNow.AddDays(1);
        for (var i = 0; i < 400; i++)
        {
            var path = i % 2 == 0
                ? $"/api/topics/{topicId}/replies?limit=2&cursor={Cursor.EncodeNumber(1_000_000 + i)}"
                : $"/api/topics?limit=2&cursor={Cursor.EncodeTimeAndId(ahead.AddSeconds(i), "made-up-" + i)}";
            foreach (var client in new[] { http, signedIn, http })
            {
                var problem = await (await client.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);
                Assert.Contains("cursor", problem.ToJsonString());
            }
        }
        Assert.Equal(entries, app.Store.Entries);

        // Issued cursors still page, and their pages are kept as before: the second anonymous read comes from the output cache.
        var again = await http.GetAsync($"/api/topics/{topicId}/replies?limit=2&cursor={issued}");
        Assert.NotNull(again.Headers.Age);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/topics?limit=1&cursor={topicsCursor}")).StatusCode);
        // A cursor at a reply that has been removed since still pages: the position was issued.
        var removedAt = (string)first["items"]![1]!["id"]!;
        using var moderator = app.Moderator().Http();
        Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{removedAt}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/topics/{topicId}/replies?limit=2&cursor={issued}")).StatusCode);
    }

    [Theory]
    [InlineData("Mg==")] // "2" with padding: the server never pads
    [InlineData("MDI")] // "02": a leading zero
    [InlineData("Mh")] // "2" again, but with a stray bit set in the last character
    [InlineData("Mi0")] // "2-": not a number
    public async Task ACursorSpelledOtherwiseThanTheServerIssuesIsRefused(string cursor)
    {
        Assert.Equal("Mg", Cursor.EncodeNumber(2));
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.Anonymous().Http();
        var problem = await (await http.GetAsync($"/api/topics/{topicId}/replies?cursor={cursor}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cursor", problem.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/topics?cursor={cursor}")).StatusCode);
    }
}
