namespace LiveCommunity.Server.Writes;

/// <summary>
/// The write pipeline's bounds (configuration section "Writes"). How many batches run at once is the write
/// pool's size, <c>Database:MaxWriteBatches</c>; sizing in docs/deployment.md.
/// </summary>
public sealed class WriteOptions
{
    /// <summary>Commands in one batch transaction at most.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a batch may wait for more commands after its first one before it starts. Zero: take what has
    /// queued up while the previous batch ran (under load that is the batch; at low load it adds no latency).
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a batch of reactions only may wait for more after its first one; a quarter of it with no arrival, a
    /// reply or any other command arriving, or a full batch ends the wait. A reaction's count reaches watchers once
    /// per coalescing window (250 ms) anyway; the wait lets a steady stream share commits, which are most of a lone
    /// reaction's cost (bench/findings.md). Zero: reactions batch like everything else.
    /// </summary>
    public TimeSpan ReactionBatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A command not started within this long is answered 503 with Retry-After.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Commands queued behind one topic; more are answered 503 at once.</summary>
    public int MaxQueuedPerTopic { get; set; } = 5_000;

    /// <summary>Commands queued on this instance over all topics; more are answered 503 at once.</summary>
    public int MaxQueued { get; set; } = 20_000;

    /// <summary>What Retry-After says when a write is refused as busy.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>PostgreSQL: a batch waits at most this long for a row lock another instance holds.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
