namespace LiveCommunity.Server.Updates;

/// <summary>Live updates (configuration section "Updates").</summary>
public sealed class UpdatesOptions
{
    /// <summary>Longest body, in characters of Markdown (after trimming, as for replies).</summary>
    public int BodyMaxLength { get; set; } = 10_000;

    /// <summary>Updates one topic may hold at once: a bound on what one topic's list and counts can grow to.</summary>
    public int MaxPerTopic { get; set; } = 5_000;
}
