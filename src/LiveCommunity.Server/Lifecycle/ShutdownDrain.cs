using LiveCommunity.Server.Writes;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Lifecycle;

/// <summary>
/// The drain before an instance stops (docs/deployment.md "Rolling restarts"): from its start, readiness is 503,
/// HTTP/1.x answers carry Connection: close (no idle keep-alive connection is left for a client or proxy to send a
/// request on just as it closes) and new hub connections are refused with Retry-After; the open hub connections are
/// closed with a reconnect hint at random moments over the first part of the window, so their watchers move to the
/// other instances spread out (and resume by seq, as after any reconnect). After <see cref="ShutdownOptions.DrainDelay"/>
/// it waits for the write pipeline to finish what it holds, then the host may stop.
/// </summary>
public sealed partial class ShutdownDrain(
    HubConnectionsToDrain connections, TopicWriter writer, IOptions<ShutdownOptions> options, TimeProvider time, ILogger<ShutdownDrain> logger)
{
    /// <summary>Hub connections are closed within this share of the drain, leaving the rest for in-flight work to end.</summary>
    public const double CloseShare = 0.8;

    private readonly Lock _gate = new();
    private Task? _run;
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public ShutdownOptions Options => options.Value;

    /// <summary>
    /// Starts the drain (once; later calls join it) and completes when the host may stop. Its timers are set before
    /// this returns (tests advance a fake clock right after).
    /// </summary>
    public Task RunAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_run is null)
            {
                _draining = true;
                _run = DrainAsync(ct);
            }
            return _run;
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var delay = options.Value.DrainDelay;
        var open = connections.Snapshot();
        LogDraining(logger, delay.TotalSeconds, open.Count);
        var closing = CloseSpreadAsync(open, delay * CloseShare, ct);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, ct);
        }
        await closing;
        await WaitForWritesAsync(ct);
        LogDrained(logger, connections.Count);
    }

    private async Task CloseSpreadAsync(IReadOnlyList<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature> open,
        TimeSpan window, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var offsets = DrainSchedule.Spread(open.Count, window, Random.Shared);
        for (var i = 0; i < open.Count; i++)
        {
            var wait = offsets[i] - time.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, ct);
            }
            open[i].RequestClose();
        }
    }

    private async Task WaitForWritesAsync(CancellationToken ct)
    {
        if (writer.Queued == 0)
        {
            return;
        }
        LogWaitingForWrites(logger, writer.Queued);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Value.StopTimeout);
        try
        {
            // Polled: a drain happens once per process, and a write takes milliseconds.
            while (writer.Queued > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), limit.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogWritesLeft(logger, writer.Queued, options.Value.StopTimeout.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 6701, Level = LogLevel.Information,
        Message = "Draining for {Seconds} s before stopping: readiness 503, Connection: close, {Connections} hub connections to move")]
    private static partial void LogDraining(ILogger logger, double seconds, int connections);

    [LoggerMessage(EventId = 6702, Level = LogLevel.Information,
        Message = "Waiting for {Writes} writes in the pipeline before stopping")]
    private static partial void LogWaitingForWrites(ILogger logger, int writes);

    [LoggerMessage(EventId = 6703, Level = LogLevel.Warning,
        Message = "{Writes} writes were still in the pipeline {Seconds} s after the drain; stopping anyway")]
    private static partial void LogWritesLeft(ILogger logger, int writes, double seconds);

    [LoggerMessage(EventId = 6704, Level = LogLevel.Information,
        Message = "Drained ({Connections} hub connections still open); stopping")]
    private static partial void LogDrained(ILogger logger, int connections);
}

/// <summary>When, within the close window, each connection of a drain is closed.</summary>
public static class DrainSchedule
{
    /// <summary>
    /// <paramref name="count"/> moments in [0, <paramref name="window"/>), ascending: evenly spaced slots, each moved by
    /// a random amount within its slot, so reconnects arrive at the other instances at a steady rate, not in a burst.
    /// </summary>
    public static TimeSpan[] Spread(int count, TimeSpan window, Random random)
    {
        var offsets = new TimeSpan[count];
        if (count == 0 || window <= TimeSpan.Zero)
        {
            return offsets;
        }
        var slot = window / count;
        for (var i = 0; i < count; i++)
        {
            offsets[i] = slot * i + slot * random.NextDouble();
        }
        return offsets;
    }
}
