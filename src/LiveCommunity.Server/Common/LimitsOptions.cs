namespace LiveCommunity.Server.Common;

/// <summary>Input limits and abuse controls (configuration section "Limits").</summary>
public sealed class LimitsOptions
{
    public int ReplyMaxLength { get; set; } = 5_000;
    public int TitleMaxLength { get; set; } = 200;
    public int TopicBodyMaxLength { get; set; } = 20_000;
    public int MaxSourceUrls { get; set; } = 10;
    public int SourceUrlMaxLength { get; set; } = 2_000;
    public int ReasonMaxLength { get; set; } = 500;
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Largest request body over HTTP; larger ones get 413. Sized for the largest valid request as any JSON
    /// encoder may write it: a topic of 20,000 characters with every one escaped to six bytes (\uXXXX, what
    /// .NET's default encoder does to non-ASCII text), its title and source URLs come to about 145 KB.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 160 * 1024;
    /// <summary>Largest message a client may send to the hub.</summary>
    public long MaxHubMessageBytes { get; set; } = 64 * 1024;
    /// <summary>Topics one hub connection may watch at once.</summary>
    public int MaxWatchedTopics { get; set; } = 50;

    /// <summary>
    /// Sends that may wait on one connection's full buffer (after the socket's and SignalR's own buffers);
    /// one more and the connection is cut off, so a stalled reader costs bounded memory and slows nobody.
    /// </summary>
    public int MaxPendingSends { get; set; } = 64;

    /// <summary>How long more than MaxPendingSends may wait continuously before the connection is cut off.</summary>
    public TimeSpan StalledSendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The same user posting the same text in the same topic within this window is refused.</summary>
    public TimeSpan DuplicateReplyWindow { get; set; } = TimeSpan.FromMinutes(1);

    // Rate limits (fixed windows). Writes are per user and shared by REST and the hub; reads and hub
    // connections are per client address (per user when signed in).
    public int RepliesPerWindow { get; set; } = 5;
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromSeconds(30);
    public int ReactionsPerWindow { get; set; } = 30;
    public TimeSpan ReactionWindow { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Edits and removals of replies per member (moderators are not limited: their actions are logged).</summary>
    public int ChangesPerWindow { get; set; } = 10;
    public TimeSpan ChangeWindow { get; set; } = TimeSpan.FromMinutes(1);
    public int ReportsPerWindow { get; set; } = 10;
    public TimeSpan ReportWindow { get; set; } = TimeSpan.FromMinutes(1);
    public int ReadsPerWindow { get; set; } = 600;
    public TimeSpan ReadWindow { get; set; } = TimeSpan.FromMinutes(1);
    public int ConnectionsPerWindow { get; set; } = 60;
    public TimeSpan ConnectionWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// On a cluster the windows above are counted in Redis; a count that takes longer than this (or fails) is
    /// counted in this instance's memory instead, so a slow or lost Redis never holds up or fails a call.
    /// </summary>
    public TimeSpan SharedLimitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Hub connections open at once from one client address (an IPv6 address counts by its /64). High, since
    /// offices and mobile carriers put many readers behind one address; beyond it a new connection gets 429.
    /// </summary>
    public int ConnectionsPerAddress { get; set; } = 300;

    // Per hub connection, whatever the method (token bucket): a burst (above MaxWatchedTopics, so a client that
    // reconnects can resume every topic at once), then a steady rate. A refused call gets
    // "rate limited, retry in N s"; a connection refused HubRefusalsBeforeClose times within HubRefusalWindow
    // does not listen and is closed.
    public int HubInvocationBurst { get; set; } = 60;
    public double HubInvocationsPerSecond { get; set; } = 10;
    public int HubRefusalsBeforeClose { get; set; } = 20;
    public TimeSpan HubRefusalWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Watch calls that replay the event log, per hub connection (token bucket). The burst lets a client that
    /// reconnects resume every topic it may watch at once.
    /// </summary>
    public int ReplayBurst { get; set; } = 50;
    public double ReplaysPerSecond { get; set; } = 1;

    // The same two budgets per client address (an IPv6 address by its /64), shared by all its connections to
    // an instance: an office behind one address resumes every reader at once within the bursts, while 300
    // connections of one address cannot replay 300 times a second (MaxReplayEvents rows each).
    public int AddressHubInvocationBurst { get; set; } = 3_000;
    public double AddressHubInvocationsPerSecond { get; set; } = 300;
    public int AddressReplayBurst { get; set; } = 600;
    public double AddressReplaysPerSecond { get; set; } = 10;
}
