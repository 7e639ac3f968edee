using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;
using LiveCommunity.Server.Tests.Observability;

namespace LiveCommunity.Server.Tests.ReadCache;

public sealed class ReadCacheMetricsApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Metrics:Enabled", "true"), new("ReadCache:MaxBytes", "1048576")];
}

/// <summary>The read cache's bytes, budget, entries, hits, misses and evictions are on /metrics.</summary>
[Collection(nameof(MetricsTests))] // alone in the process: the exporter hears every host's "LiveCommunity" meter
public sealed class ReadCacheMetricsTests(ReadCacheMetricsApp app) : IClassFixture<ReadCacheMetricsApp>
{
    [Fact]
    public async Task TheReadCacheReportsItsBytesHitsMissesAndEvictions()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await app.Member().PostReplyAsync(topicId, "first");
        using var http = app.Member("reader").Http();
        await http.GetAsync($"/api/topics/{topicId}/replies"); // a miss, kept
        await http.GetAsync($"/api/topics/{topicId}/replies"); // a hit
        await app.Member().PostReplyAsync(topicId, "second");
        await http.GetAsync($"/api/topics/{topicId}/replies"); // a miss: the new version replaces the old one

        // Evictions are counted by the cache's callback, off the request path: wait for it (bounded).
        using var scrape = app.Anonymous().Http();
        var text = "";
        await Eventually.TrueAsync(async () =>
        {
            var response = await scrape.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            return text.Contains("reason=\"replaced\"", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
        Assert.Equal(1048576, MetricsTests.Value(text, "livecommunity_readcache_budget_bytes"));
        Assert.InRange(MetricsTests.Value(text, "livecommunity_readcache_size_bytes"), 1, 1048576);
        Assert.Equal(1, MetricsTests.Value(text, "livecommunity_readcache_entries"));
        Assert.Equal(1, MetricsTests.Value(text, "livecommunity_readcache_hits_total", "cache=\"pages\""));
        Assert.Equal(2, MetricsTests.Value(text, "livecommunity_readcache_misses_total", "cache=\"pages\""));
        Assert.Equal(1, MetricsTests.Value(text, "livecommunity_readcache_evictions_total", "reason=\"replaced\""));
    }
}
