namespace LiveCommunity.Server.Realtime;

/// <summary>Retention of the per-topic event log (configuration section "EventLog").</summary>
public sealed class EventLogOptions
{
    /// <summary>Events kept per topic; a client further behind gets <c>reset: true</c>.</summary>
    public int MaxEventsPerTopic { get; set; } = 10_000;
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
