using System.Net;
using LiveCommunity.Server.Lifecycle;
using LiveCommunity.Server.ReadCache;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LiveCommunity.Server.Tests.Lifecycle;

/// <summary>A host whose clock is fake (the drain's window), with its log captured and a gate on one topic's writes.</summary>
public sealed class DrainApp : AppFactory
{
    public static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(10);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    public LogCapture Logs { get; } = new();
    public ShutdownDrain Drain => Services.GetRequiredService<ShutdownDrain>();
    public GatedTopicVersions Versions => (GatedTopicVersions)Services.GetRequiredService<ITopicVersions>();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Shutdown:DrainDelay", DrainDelay.ToString()),
        new("Logging:LogLevel:LiveCommunity.Server.Lifecycle", "Information"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            GatedTopicVersions.Install(services);
        });
    }
}

/// <summary>Issue 24: what an instance does between SIGTERM and its stop (ShutdownDrain; the signal itself is DrainingLifetime's).</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task WhileDrainingReadinessIs503AndEveryAnswerSaysConnectionClose()
    {
        using var app = new DrainApp();
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        using (var before = await http.GetAsync("/api/topics"))
        {
            Assert.NotEqual(true, before.Headers.ConnectionClose);
        }

        _ = app.Drain.RunAsync(); // the fake clock stands still: the drain lasts as long as the test

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        using var during = await http.GetAsync("/api/topics");
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.True(during.Headers.ConnectionClose);
        // Also on answers the exception handler and status code pages make.
        using var missing = await http.GetAsync("/api/topics/tp_missing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(missing.Headers.ConnectionClose);
    }

    [Fact]
    public async Task WhileDrainingANewHubConnectionIsRefusedWithRetryAfter()
    {
        using var app = new DrainApp();
        _ = app.Drain.RunAsync();
        using var http = app.CreateClient();
        using var negotiate = await http.PostAsync("/hubs/discussion/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), negotiate.Headers.RetryAfter?.Delta);
        await Assert.ThrowsAnyAsync<Exception>(() => app.Member().ConnectAsync());
    }

    [Fact]
    public async Task OpenHubConnectionsAreClosedWithAReconnectHintWithinTheDrain()
    {
        using var app = new DrainApp();
        var reconnecting = new List<Task>();
        var watchers = new List<Watcher>();
        for (var i = 0; i < 3; i++)
        {
            var watcher = await app.Member($"watcher{i}").ConnectAsync(reconnect: new WaitLong());
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // SignalR's client reconnects only when the server's CloseMessage allowed it; otherwise it just closes.
            watcher.Connection.Reconnecting += _ => { signal.TrySetResult(); return Task.CompletedTask; };
            watcher.Connection.Closed += _ => { signal.TrySetException(new InvalidOperationException("closed without a reconnect hint")); return Task.CompletedTask; };
            reconnecting.Add(signal.Task);
            watchers.Add(watcher);
        }

        var drain = app.Drain.RunAsync();
        app.Time.Advance(DrainApp.DrainDelay * ShutdownDrain.CloseShare);

        await Task.WhenAll(reconnecting).WaitAsync(TimeSpan.FromSeconds(30)); // generous bound, not a measurement
        app.Time.Advance(DrainApp.DrainDelay);
        await drain.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var watcher in watchers)
        {
            await watcher.DisposeAsync();
        }
    }

    [Fact]
    public async Task AWriteInFlightFinishesBeforeTheDrainLetsTheHostStop()
    {
        using var app = new DrainApp();
        var moderator = app.Moderator();
        var topicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        app.Versions.GatedTopic = topicId;
        var write = moderator.PostReplyAsync(topicId, "committed, not yet answered");
        await app.Versions.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        var drain = app.Drain.RunAsync();
        app.Time.Advance(DrainApp.DrainDelay);
        await WaitForLogAsync(app, 6702); // "waiting for 1 writes in the pipeline"
        Assert.False(drain.IsCompleted);

        app.Versions.Open();
        var reply = await write;
        Assert.Equal("committed, not yet answered", (string?)reply["body"]);
        await drain.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(app.Logs.Lines, l => l.EventId == 6704);
    }

    [Fact]
    public void ConnectionsAreClosedOnePerSlotAcrossTheWindowInOrder()
    {
        var window = TimeSpan.FromSeconds(8);
        var offsets = DrainSchedule.Spread(4, window, new Random(7));
        for (var i = 0; i < offsets.Length; i++)
        {
            Assert.InRange(offsets[i], window / 4 * i, window / 4 * (i + 1));
        }
        Assert.Empty(DrainSchedule.Spread(0, window, new Random(7)));
        Assert.All(DrainSchedule.Spread(3, TimeSpan.Zero, new Random(7)), o => Assert.Equal(TimeSpan.Zero, o));
    }

    private static async Task WaitForLogAsync(DrainApp app, int eventId)
    {
        await Eventually.TrueAsync(() => app.Logs.Lines.Any(l => l.EventId == eventId), TimeSpan.FromSeconds(30));
        Assert.Contains(app.Logs.Lines, l => l.EventId == eventId);
    }

    /// <summary>Reconnects after a long wait, so a test sees the Reconnecting state and nothing after it.</summary>
    private sealed class WaitLong : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => retryContext.PreviousRetryCount == 0 ? TimeSpan.FromMinutes(10) : null;
    }
}
