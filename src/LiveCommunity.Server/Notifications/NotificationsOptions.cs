namespace LiveCommunity.Server.Notifications;

/// <summary>Notifications: what a reader keeps, and this instance's bound on live pushes in flight.</summary>
public sealed class NotificationsOptions
{
    /// <summary>A reader keeps at most this many, the newest; the sweep drops the rest.</summary>
    public int MaxPerUser { get; set; } = 200;

    /// <summary>Older ones are dropped by the sweep, read or not.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Readers with a live push waiting on this instance; past it a push is dropped (the notification is stored).</summary>
    public int MaxPendingUsers { get; set; } = 10_000;

    /// <summary>New notifications waiting per reader; past it the push is dropped (the reader's next list shows them).</summary>
    public int MaxPendingPerUser { get; set; } = 50;
}
