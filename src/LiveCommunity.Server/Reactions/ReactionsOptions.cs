namespace LiveCommunity.Server.Reactions;

/// <summary>Configuration section "Reactions".</summary>
public sealed class ReactionsOptions
{
    public static readonly string[] DefaultKinds = ["like", "insightful", "disagree"];

    /// <summary>Allowed kinds; bound as an array or as one comma-separated string ("like, insightful").</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>At most one ReactionsChanged per target per window.</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(250);
}
