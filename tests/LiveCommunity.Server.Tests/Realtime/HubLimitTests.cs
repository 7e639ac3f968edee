using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// A host with small per-connection budgets (whose buckets do not refill within a test) and every log entry
/// captured with its level.
/// </summary>
public sealed class HubLimitApp : AppFactory
{
    private readonly LogCapture _logs = new();

    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:HubInvocationBurst", "6"),
        new("Limits:HubInvocationsPerSecond", "0.001"),
        new("Limits:HubRefusalsBeforeClose", "3"),
        new("Limits:HubRefusalWindow", "00:10:00"),
        new("Limits:ReplayBurst", "2"),
        new("Limits:ReplaysPerSecond", "0.001"),
        new("Logging:LogLevel:Default", "Debug"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class HubLimitTests(HubLimitApp app) : IClassFixture<HubLimitApp>
{
    [Fact]
    public async Task AConnectionPastItsInvocationBudgetIsRefusedThenClosedWhileOthersGoOn()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        await using var flooder = await app.Anonymous().ConnectAsync();
        var closed = new TaskCompletionSource();
        flooder.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        for (var i = 0; i < 6; i++)
        {
            await flooder.WatchAsync(topicId);
        }
        var refused = await Assert.ThrowsAsync<HubException>(() => flooder.WatchAsync(topicId));
        Assert.Matches(@"rate limited, retry in \d+ s", refused.Message);
        Assert.Equal(HubConnectionState.Connected, flooder.Connection.State);
        await Assert.ThrowsAsync<HubException>(() => flooder.WatchAsync(topicId));

        // The third refusal in the window: the connection does not listen, and is closed.
        await Assert.ThrowsAnyAsync<Exception>(() => flooder.WatchAsync(topicId));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await using var other = await app.Anonymous().ConnectAsync();
        await other.WatchAsync(topicId);
    }

    [Fact]
    public async Task ReplaysAreLimitedPerConnectionButResumingWithNothingMissedIsFree()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var lastSeq = 0L;
        for (var i = 0; i < 3; i++)
        {
            await app.Member().PostReplyAsync(topicId, $"reply {i}");
            lastSeq++;
        }
        await using var watcher = await app.Anonymous().ConnectAsync();
        Assert.Equal(3, (await watcher.WatchAsync(topicId, 0))["missed"]!.AsArray().Count);
        Assert.Single((await watcher.WatchAsync(topicId, 2))["missed"]!.AsArray());
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(topicId, 1));
        Assert.Matches(@"rate limited, retry in \d+ s", refused.Message);
        Assert.Empty((await watcher.WatchAsync(topicId, lastSeq))["missed"]!.AsArray());
    }

    [Fact]
    public async Task RefusedHubCallsAreLoggedOnceAtDebugAndNeverAsErrors()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var errorsBefore = app.Logs.Count(l => l.Level >= LogLevel.Error);
        var refusalsBefore = app.Logs.Count(l => l.EventId == 3201);
        var refusals = 0;
        while (refusals < 200)
        {
            // Each connection makes its budget's worth of refused calls (made-up topics, anonymous posts), then one more.
            await using var client = await app.Anonymous().ConnectAsync();
            for (var i = 0; i < 2 && refusals < 200; i++, refusals++)
            {
                await Assert.ThrowsAsync<HubException>(() => client.WatchAsync("t_missing_" + refusals));
            }
            for (var i = 0; i < 2 && refusals < 200; i++, refusals++)
            {
                await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>("PostReply", topicId, "hi", null));
            }
        }
        await Task.Delay(100); // log entries of the last calls
        var errors = app.Logs.Where(l => l.Level >= LogLevel.Error).Skip(errorsBefore).ToList();
        Assert.True(errors.Count == 0, "error entries: " + string.Join("\n", errors.Select(e => $"{e.Category} {e.EventId} {e.Message}")));
        var refusalLines = app.Logs.Where(l => l.EventId == 3201).ToList();
        Assert.Equal(200, refusalLines.Count - refusalsBefore);
        Assert.All(refusalLines, l => Assert.Equal(LogLevel.Debug, l.Level));
        Assert.Contains(refusalLines, l => l.Message.Contains("topic not found"));
    }
}
