using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.Server.Tests.Observability;

public sealed class MetricsApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Metrics:Enabled", "true"), new("Limits:RepliesPerWindow", "2"), new("Limits:ReplyWindow", "00:05:00")];
}

// The exporter listens to every "LiveCommunity" meter in the process, so exact counts need this host alone:
// a non-parallel collection runs after the others, whose hosts are disposed by then.
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>Known activity in, exact counts out of /metrics. One test, since counters are per host.</summary>
[Collection(nameof(MetricsTests))]
public sealed class MetricsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task MetricsCountWhatHappened()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var watcher1 = await app.Anonymous().ConnectAsync();
        await using var watcher2 = await app.Anonymous().ConnectAsync();
        await watcher1.WatchAsync(topicId);
        await watcher2.WatchAsync(topicId);

        var author = app.Member();
        var reply = await author.PostReplyAsync(topicId, "counted");
        await watcher1.WaitForAsync("ReplyPosted");
        using (var http = author.Http())
        {
            (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "second" })).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.TooManyRequests, (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "third" })).StatusCode);
        }
        await using var hub = await author.ConnectAsync();
        await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<object>("PostReply", topicId, "fourth", null));
        using (var moderator = app.Moderator().Http())
        {
            (await moderator.DeleteAsync($"/api/replies/{reply["id"]}?reason=test")).EnsureSuccessStatusCode();
            (await moderator.PutAsync($"/api/topics/{topicId}/lock", null)).EnsureSuccessStatusCode();
        }
        await watcher1.WaitForAsync("TopicUpdated");
        await watcher2.WatchAsync(topicId, 0); // a replay of 4 events

        var text = await ScrapeAsync();
        Assert.Equal(3, Value(text, "livecommunity_connections"));
        Assert.Equal(2, Value(text, "livecommunity_watchers"));
        Assert.Equal(1, Value(text, "livecommunity_watched_topics"));
        Assert.Equal(2, Value(text, "livecommunity_events_published_total", "type=\"ReplyPosted\""));
        Assert.Equal(1, Value(text, "livecommunity_events_published_total", "type=\"ReplyRemoved\""));
        Assert.Equal(1, Value(text, "livecommunity_events_published_total", "type=\"TopicUpdated\""));
        Assert.Equal(8, Value(text, "livecommunity_events_delivered_total")); // 4 events × 2 local watchers
        Assert.Equal(1, Value(text, "livecommunity_replay_requests_total"));
        Assert.Equal(4, Value(text, "livecommunity_replay_events_total"));
        Assert.Equal(2, Value(text, "livecommunity_rate_limited_total", "limit=\"reply\"")); // one over REST, one over the hub
        Assert.Equal(1, Value(text, "livecommunity_moderation_actions_total", "action=\"remove\""));
        Assert.Equal(1, Value(text, "livecommunity_moderation_actions_total", "action=\"lock\""));
        Assert.Equal(4, Value(text, "livecommunity_publish_delay_milliseconds_count"));
    }

    private async Task<string> ScrapeAsync()
    {
        using var http = app.Anonymous().Http();
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    internal static double Value(string text, string name, string? label = null)
    {
        var pattern = label is null
            ? $@"^{Regex.Escape(name)}(\{{[^}}]*\}})? ([0-9.eE+-]+)"
            : $@"^{Regex.Escape(name)}\{{[^}}]*{Regex.Escape(label)}[^}}]*\}} ([0-9.eE+-]+)";
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} {label} not in /metrics:\n{string.Join('\n', text.Split('\n').Where(l => l.StartsWith("livecommunity", StringComparison.Ordinal)))}");
        return double.Parse(match.Groups[match.Groups.Count - 1].Value, CultureInfo.InvariantCulture);
    }
}
