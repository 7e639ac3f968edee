using System.Net;
using System.Text;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>Small replay bounds and a small send bound, with the log captured.</summary>
public sealed class ReplayBoundApp : AppFactory
{
    private readonly LogCapture _logs = new();

    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("EventLog:MaxReplayEvents", "40"),
        new("EventLog:MaxReplayBytes", "200000"),
        new("Limits:MaxPendingSends", "3"),
        new("Limits:StalledSendTimeout", "00:00:01"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class ReplayBoundTests(ReplayBoundApp app) : IClassFixture<ReplayBoundApp>
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task AReplayOfMoreEventsThanTheBoundIsAReset()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        for (var i = 0; i < 41; i++)
        {
            await author.PostReplyAsync(topicId, $"reply {i}");
        }
        await using var watcher = await app.Anonymous().ConnectAsync();
        var tooFar = await watcher.WatchAsync(topicId, 0);
        Assert.True((bool)tooFar["reset"]!);
        Assert.Empty(tooFar["missed"]!.AsArray());
        Assert.Equal(41, (long)tooFar["lastSeq"]!);
        var near = await watcher.WatchAsync(topicId, 1);
        Assert.False((bool)near["reset"]!);
        Assert.Equal(40, near["missed"]!.AsArray().Count);
    }

    [Fact]
    public async Task AReplayOfMoreBytesThanTheBoundIsAReset()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        var body = new string('x', 4_900);
        for (var i = 0; i < 39; i++)
        {
            await author.PostReplyAsync(topicId, $"{i} {body}"); // about 5.2 KB of JSON each, 200 KB in all
        }
        await using var watcher = await app.Anonymous().ConnectAsync();
        var tooMuch = await watcher.WatchAsync(topicId, 0);
        Assert.True((bool)tooMuch["reset"]!);
        Assert.Empty(tooMuch["missed"]!.AsArray());
        var less = await watcher.WatchAsync(topicId, 10);
        Assert.False((bool)less["reset"]!);
        Assert.Equal(29, less["missed"]!.AsArray().Count);
    }

    [Fact]
    public async Task AClientThatAsksForAReplayAndNeverReadsIsCutOffLikeAStalledWatcher()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var author = app.Member();
        var body = new string('x', 4_000);
        for (var i = 0; i < 30; i++)
        {
            await author.PostReplyAsync(topicId, $"{i} {body}"); // a 120 KB replay: past what the transport buffers
        }
        await using var healthy = await app.Anonymous().ConnectAsync();
        await healthy.WatchAsync(topicId);

        // A long-polling client that starts, asks for the whole replay, and never polls again to read it.
        using var raw = app.CreateClient();
        var negotiated = await (await raw.PostAsync("/hubs/discussion/negotiate?negotiateVersion=1", null)).ReadAsync(HttpStatusCode.OK);
        var token = Uri.EscapeDataString((string)negotiated["connectionToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync($"/hubs/discussion?id={token}")).StatusCode);
        await SendAsync(raw, token, """{"protocol":"json","version":1}""");
        await SendAsync(raw, token, $$"""{"type":1,"invocationId":"1","target":"Watch","arguments":["{{topicId}}",0]}""");
        await healthy.WaitForAsync("PresenceChanged", e => (int)e["watchers"]! == 2);
        var seen = healthy.Received.Count;

        // No live event follows: the unread result alone, past the bound for StalledSendTimeout, cuts it off, the
        // same way (and with the same log entry) as a watcher whose live events pile up. (A websocket closes at
        // once; this long-polling one is gone when its transport times out.)
        await Eventually.TrueAsync(() => app.Logs.Any(CutOff), every: TimeSpan.FromMilliseconds(50));
        Assert.Contains(app.Logs, CutOff);
        Assert.Equal(HubConnectionState.Connected, healthy.Connection.State);
        await app.Member().PostReplyAsync(topicId, "life goes on");
        await healthy.WaitForAsync("ReplyPosted", e => (string?)e["reply"]!["body"] == "life goes on");

        static bool CutOff(LogLine line) => line.EventId == 3101 && line.Level == LogLevel.Warning;
    }

    private static async Task SendAsync(HttpClient http, string token, string json)
    {
        using var content = new StringContent(json + RecordSeparator, Encoding.UTF8, "text/plain");
        var response = await http.PostAsync($"/hubs/discussion?id={token}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
