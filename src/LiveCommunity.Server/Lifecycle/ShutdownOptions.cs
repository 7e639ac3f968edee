namespace LiveCommunity.Server.Lifecycle;

/// <summary>
/// How an instance leaves (configuration section "Shutdown"; docs/deployment.md "Rolling restarts"). On SIGTERM it
/// drains for <see cref="DrainDelay"/> (readiness 503, answers with Connection: close, hub connections closed with
/// a reconnect hint, spread over the window), waits for the write pipeline, then stops; in-flight requests get
/// <see cref="StopTimeout"/> after that.
/// </summary>
public sealed class ShutdownOptions
{
    /// <summary>How long a SIGTERM'd instance keeps serving while clients and load balancers move away. Zero: no drain.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After the drain: how long the write pipeline's queued commands and in-flight requests may take before the
    /// host gives up on them (it becomes HostOptions.ShutdownTimeout, for the part of the stop after the drain).
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>What Retry-After says to a hub connection attempt refused while draining.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
