using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Reactions.Internal;

/// <summary>
/// Reaction counting as a participant of every batch: each topic queue gets its coalescing windows
/// (<see cref="ReactionWindows"/>), each batch its tally (<see cref="ReactionTally"/>). Counting in the batch
/// rather than per command is what lets a storm of a thousand reactions cost one count update and one event per
/// target.
/// </summary>
internal sealed class ReactionParticipant(ReactionCounts counts, IOptions<ReactionsOptions> options, TimeProvider time, CommunityMetrics metrics)
    : IBatchParticipant
{
    public ReactionCounts Counts { get; } = counts;

    public CommunityMetrics Metrics { get; } = metrics;

    /// <summary>At most one ReactionsChanged per target per window, on this instance.</summary>
    public TimeSpan Window { get; } = options.Value.CoalesceWindow;

    public TimeProvider Time { get; } = time;

    public IQueuePart ForQueue(string? topicId) => new ReactionWindows(topicId, this);
}
