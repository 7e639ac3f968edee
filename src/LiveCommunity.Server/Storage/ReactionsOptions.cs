using LiveCommunity.Server.Reactions;

namespace LiveCommunity.Server.Storage;

/// <summary>Configuration section "Reactions".</summary>
public sealed class ReactionsOptions
{
    public static readonly string[] DefaultKinds = ["like", "insightful", "disagree"];

    /// <summary>Allowed kinds; bound as an array or as one comma-separated string ("like, insightful").</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>
    /// At most one ReactionsChanged per target per window (per instance): changes within it are stored at once
    /// and their event follows at the window's end with the counts as they are then.
    /// </summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often to look for events a crash left owed (<see cref="PendingReactionEventSweep"/>).</summary>
    public TimeSpan PendingSweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
