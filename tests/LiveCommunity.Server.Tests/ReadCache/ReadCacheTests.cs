using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.ReadCache;

/// <summary>
/// Hot reads come from caches, and a cache never serves a page from before a change whose write has answered:
/// a removed reply's text is gone from the next read, whoever reads it; conditional GETs answer 304 exactly when
/// nothing changed.
/// </summary>
public sealed class ReadCacheTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ACachedPageNeverShowsARemovedReplyAfterItsRemovalAnswered()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replyId = (string)(await app.Member().PostReplyAsync(topicId, "soon to be removed"))["id"]!;
        var reader = app.Member("reader");
        using var anonymous = app.Anonymous().Http();
        using var signedIn = reader.Http();
        for (var i = 0; i < 3; i++) // warm every cache: output cache (anonymous), shared page (signed in)
        {
            Assert.Contains("soon to be removed", await (await anonymous.GetAsync($"/api/topics/{topicId}/replies")).Content.ReadAsStringAsync());
            Assert.Contains("soon to be removed", await (await signedIn.GetAsync($"/api/topics/{topicId}/replies")).Content.ReadAsStringAsync());
        }

        using (var moderator = app.Moderator().Http())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await moderator.DeleteAsync($"/api/replies/{replyId}")).StatusCode);
        }
        foreach (var http in new[] { anonymous, signedIn })
        {
            var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
            Assert.Empty(page["items"]!.AsArray());
            var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
            Assert.Equal(0, (int)topic["replyCount"]!);
        }
    }

    [Fact]
    public async Task ConditionalGetsAnswer304ExactlyWhenNothingChanged()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        var replyId = (string)(await author.PostReplyAsync(topicId, "first"))["id"]!;
        using var anonymous = app.Anonymous().Http();
        using var signedIn = author.Http();

        foreach (var path in new[] { $"/api/topics/{topicId}", $"/api/topics/{topicId}/replies", "/api/topics" })
        {
            foreach (var http in new[] { anonymous, signedIn })
            {
                var first = await http.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                var etag = first.Headers.ETag ?? throw new InvalidOperationException($"{path} has no ETag");
                Assert.Contains("no-cache", first.Headers.CacheControl!.ToString());
                Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(http, path, etag)).StatusCode);
            }
        }

        // A reaction changes the counts for everybody, so every tag moves; the reactor's own page also lists it in "mine".
        var anonymousTag = (await anonymous.GetAsync($"/api/topics/{topicId}/replies")).Headers.ETag!;
        var ownTag = (await signedIn.GetAsync($"/api/topics/{topicId}/replies")).Headers.ETag!;
        (await signedIn.PutAsync($"/api/replies/{replyId}/reactions/like", null)).EnsureSuccessStatusCode();
        var changed = await GetIfNoneMatchAsync(anonymous, $"/api/topics/{topicId}/replies", anonymousTag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(1, (int)(await changed.ReadAsync(HttpStatusCode.OK))["items"]![0]!["reactions"]!["like"]!);
        var own = await GetIfNoneMatchAsync(signedIn, $"/api/topics/{topicId}/replies", ownTag);
        Assert.Equal(["like"], (await own.ReadAsync(HttpStatusCode.OK))["items"]![0]!["mine"]!.AsArray().Select(k => (string)k!));
        Assert.NotEqual(changed.Headers.ETag, own.Headers.ETag);
    }

    [Fact]
    public async Task SignedInReadersGetTheSharedPageWithTheirOwnReactionsMergedIn()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var replies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            replies.Add((string)(await app.Member().PostReplyAsync(topicId, $"reply {i}"))["id"]!);
        }
        var ann = app.Member("ann");
        var ben = app.Member("ben");
        using (var http = ann.Http())
        {
            (await http.PutAsync($"/api/replies/{replies[1]}/reactions/insightful", null)).EnsureSuccessStatusCode();
            (await http.PutAsync($"/api/topics/{topicId}/reactions/like", null)).EnsureSuccessStatusCode();
        }
        foreach (var (user, expected) in new[] { (ann, new[] { "", "insightful", "" }), (ben, new[] { "", "", "" }) })
        {
            using var http = user.Http();
            for (var round = 0; round < 2; round++)
            {
                var page = await (await http.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
                Assert.Equal(expected, page["items"]!.AsArray().Select(r => string.Join(',', r!["mine"]!.AsArray().Select(k => (string)k!))));
                var topic = await (await http.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
                Assert.Equal(user == ann ? 1 : 0, topic["mine"]!.AsArray().Count);
            }
        }
        using var anonymous = app.Anonymous().Http();
        var anonymousPage = await (await anonymous.GetAsync($"/api/topics/{topicId}/replies")).ReadAsync(HttpStatusCode.OK);
        Assert.All(anonymousPage["items"]!.AsArray(), r => Assert.Empty(r!["mine"]!.AsArray()));
    }

    [Fact]
    public async Task AnonymousReadsAreServedFromTheOutputCacheCompressed()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await app.Member().PostReplyAsync(topicId, new string('a', 2000));
        using var http = app.Anonymous().Http();
        var ages = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/topics/{topicId}/replies");
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
            ages.Add(response.Headers.Age?.ToString());
        }
        // The output cache marks what it served with an Age; the first answer was built, the next ones cached.
        Assert.Null(ages[0]);
        Assert.NotNull(ages[2]);
    }

    private static async Task<HttpResponseMessage> GetIfNoneMatchAsync(HttpClient http, string path, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return await http.SendAsync(request);
    }
}
