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

    /// <summary>Weights used when Reactions:Score does not name a kind (?order=top); kinds not named anywhere weigh 0.</summary>
    public static readonly IReadOnlyDictionary<string, int> DefaultScore = new Dictionary<string, int>
    {
        ["like"] = 1, ["insightful"] = 2, ["disagree"] = 0,
    };

    /// <summary>Kind → weight of a reply's score (?order=top): non-negative, configured kinds only.</summary>
    public Dictionary<string, int> Score { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The weight of one configured kind.</summary>
    public int Weight(string kind) =>
        Score.TryGetValue(kind, out var weight) ? weight : DefaultScore.GetValueOrDefault(kind);

    /// <summary>A reply's score from its counts (every configured kind).</summary>
    public long ScoreOf(IReadOnlyDictionary<string, int> counts) =>
        Kinds.Sum(kind => (long)Weight(kind) * counts.GetValueOrDefault(kind));

    /// <summary>How often to look for events a crash left owed (<see cref="PendingReactionEventSweep"/>).</summary>
    public TimeSpan PendingSweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
