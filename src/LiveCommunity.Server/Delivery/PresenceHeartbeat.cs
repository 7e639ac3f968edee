using LiveCommunity.Server.Scaling;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Keeps this instance's presence entries alive, and heals counts: when a topic's total changed without a
/// join or leave here (another instance died, or Redis came back after an outage), its local watchers get a
/// fresh PresenceChanged. Joins and leaves elsewhere already reach them through the backplane.
/// </summary>
public sealed partial class PresenceHeartbeat(
    RedisPresence presence, PresenceBroadcaster broadcaster, IOptions<ScaleOutOptions> options, TimeProvider time,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    private readonly Dictionary<string, int> _lastTotals = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PresenceHeartbeat, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await BeatAsync();
            }
            // Anything but our own shutdown is logged and tried again next beat: an exception escaping a
            // BackgroundService stops the whole host.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogBeatFailed(logger, ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await presence.RemoveInstanceAsync();
    }

    private async Task BeatAsync()
    {
        var topics = presence.LocalTopics();
        var totals = await Task.WhenAll(topics.Select(presence.RefreshAsync));
        for (var i = 0; i < topics.Count; i++)
        {
            if (totals[i] is not { } total)
            {
                continue; // Redis unreachable: nothing new to tell
            }
            if (_lastTotals.TryGetValue(topics[i], out var last) && last != total)
            {
                broadcaster.Changed(topics[i]);
            }
            _lastTotals[topics[i]] = total;
        }
        foreach (var gone in _lastTotals.Keys.Except(topics).ToList())
        {
            _lastTotals.Remove(gone);
        }
    }

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Presence heartbeat failed; will try again")]
    private static partial void LogBeatFailed(ILogger logger, Exception ex);
}
