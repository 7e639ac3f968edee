using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveCommunity.Server.Tests.Web;

/// <summary>The demo page and the embed bundle as browsers get them (wwwroot is built from web/ with the server).</summary>
public sealed partial class StaticAssetsTests(AppFactory app, ITestOutputHelper output) : IClassFixture<AppFactory>
{
    /// <summary>
    /// What a host page downloads for the embed (livecommunity.js, SignalR included, brotli). DESIGN.md's target is
    /// 30 KB; the bundle measured 20,985 bytes when a budget of 24 KiB was set, and 25,486 once it carried the report
    /// dialog and &lt;moderation-queue&gt; (issue 12), so the budget went to 28 KiB: growth still shows before the target.
    /// </summary>
    private const int EmbedBudgetBytes = 30 * 1024; // 29 KiB until the order choice and the muted list (about 0.7 KB)

    private const string Embed = "/sdk/livecommunity.js";

    [Fact]
    public async Task TheDemoPageIsAtTheRootAndRevalidatedOnEveryVisit()
    {
        using var http = app.CreateClient();
        var page = await http.GetEncodedAsync("/", "br, gzip");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("br", page.ContentEncoding());
        Assert.True(page.Headers.CacheControl?.NoCache);
        Assert.Null(page.Headers.CacheControl?.MaxAge);
        Assert.NotNull(page.Headers.ETag);

        var again = await http.GetEncodedAsync("/", "br, gzip", page.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task TheDemoPageRefersToHashedAssetsThatBrowsersKeepForAYear()
    {
        using var http = app.CreateClient();
        var html = Encoding.UTF8.GetString(await (await http.GetEncodedAsync("/index.html", null)).DecodedBodyAsync());
        var assets = AssetReference().Matches(html).Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(2, assets.Count);
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));

        foreach (var asset in assets)
        {
            var response = await http.GetEncodedAsync("/" + asset, "gzip, br");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(WebAssetsExtensions.Immutable, response.Headers.CacheControl?.ToString());
            Assert.Equal(asset.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("br", response.ContentEncoding());
        }
    }

    [Theory]
    [InlineData("br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("gzip, deflate, br, zstd", "br")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData(null, null)]
    [InlineData("identity", null)]
    public async Task EachClientGetsAnEncodingItAccepts(string? acceptEncoding, string? expected)
    {
        using var http = app.CreateClient();
        var plain = await (await http.GetEncodedAsync(Embed, null)).Content.ReadAsByteArrayAsync();

        var response = await http.GetEncodedAsync(Embed, acceptEncoding);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, response.ContentEncoding());
        Assert.True(response.VariesByEncoding(), "caches must keep one copy per encoding");
        Assert.Equal(plain, await response.DecodedBodyAsync());
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    [InlineData(null)]
    public async Task TheEmbedBundleKeepsItsUrlAndIsRevalidatedAfterFiveMinutes(string? acceptEncoding)
    {
        using var http = app.CreateClient();
        var response = await http.GetEncodedAsync(Embed, acceptEncoding);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        var revalidated = await http.GetEncodedAsync(Embed, acceptEncoding, etag.ToString());
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal("public, max-age=300", revalidated.Headers.CacheControl?.ToString());
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TheEmbedBundleStaysWithinItsBudget()
    {
        using var http = app.CreateClient();
        var response = await http.GetEncodedAsync(Embed, "br");
        Assert.Equal("br", response.ContentEncoding());
        var sent = (await response.Content.ReadAsByteArrayAsync()).Length;
        var raw = (await response.DecodedBodyAsync()).Length;
        output.WriteLine($"{Embed}: {raw} bytes, {sent} with brotli (budget {EmbedBudgetBytes})");
        Assert.True(sent <= EmbedBudgetBytes,
            $"{Embed} is {sent} bytes with brotli, over its budget of {EmbedBudgetBytes} (docs/deployment.md): shrink it or raise the budget knowingly");
    }

    [GeneratedRegex("(?:src|href)=\"(?<path>assets/[^\"]+)\"")]
    private static partial Regex AssetReference();
}
