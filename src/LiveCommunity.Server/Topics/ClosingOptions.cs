namespace LiveCommunity.Server.Topics;

/// <summary>"Topics" settings for closing threads (PROTOCOL.md v3 "Closing").</summary>
public sealed class ClosingOptions
{
    /// <summary>A topic created without its own <c>closesAt</c> closes this long after creation; null: never.</summary>
    public TimeSpan? CloseAfter { get; set; }

    /// <summary>How often the sweep looks for topics whose time has come: watchers hear within this much.</summary>
    public TimeSpan CloseSweepEvery { get; set; } = TimeSpan.FromSeconds(5);
}
