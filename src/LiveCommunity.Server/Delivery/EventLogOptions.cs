namespace LiveCommunity.Server.Delivery;

/// <summary>Retention of the per-topic event log (configuration section "EventLog").</summary>
public sealed class EventLogOptions
{
    /// <summary>Events kept per topic; a client further behind gets <c>reset: true</c>.</summary>
    public int MaxEventsPerTopic { get; set; } = 10_000;
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Most events one Watch replays; a client further behind gets <c>reset: true</c> and reloads over REST,
    /// which costs less than a long replay and is cached.
    /// </summary>
    public int MaxReplayEvents { get; set; } = 500;

    /// <summary>Most bytes (the stored events' JSON, UTF-8) one Watch replays; beyond it, <c>reset: true</c>.</summary>
    public int MaxReplayBytes { get; set; } = 256 * 1024;
}
