namespace LiveCommunity.Server.Webhooks;

/// <summary>"Webhooks" settings (docs/deployment.md).</summary>
public sealed class WebhooksOptions
{
    public static readonly TimeSpan[] DefaultRetrySchedule =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    /// <summary>Delays before the 2nd, 3rd, … attempt; the last one repeats. Empty: <see cref="DefaultRetrySchedule"/>.</summary>
    public TimeSpan[] RetrySchedule { get; set; } = [];

    /// <summary>Attempts per event and receiver, the first included; then the delivery is given up (and logged).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Loopback, private, link-local and similar targets are refused unless this is true (tests, intranets).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>One request's limit, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the instance holding the lease looks for new events and due retries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the lease lasts unless renewed: after a crash another instance takes over within it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Requests in flight to one receiver: a slow one holds at most this many, never the others' turn.</summary>
    public int MaxInFlightPerWebhook { get; set; } = 4;

    public int MaxWebhooks { get; set; } = 50;

    /// <summary>How long attempts stay in the delivery log.</summary>
    public TimeSpan AttemptLogRetention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan DelayBefore(int nextAttempt)
    {
        var schedule = RetrySchedule.Length > 0 ? RetrySchedule : DefaultRetrySchedule;
        return schedule[Math.Clamp(nextAttempt - 2, 0, schedule.Length - 1)];
    }
}
