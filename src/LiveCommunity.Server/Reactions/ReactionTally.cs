using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Reactions.Internal;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Reactions;

/// <summary>
/// Reaction counts of one batch: read once per target, changed in memory by each command, stored once and
/// announced with one ReactionsChanged per target when the batch finishes. A storm of a thousand reactions in
/// a batch costs one count update and one event per target instead of a thousand. The batch's part of reaction
/// counting (<see cref="IBatchPart"/>); commands reach it as <c>write.Reactions</c>.
/// </summary>
public sealed class ReactionTally : IBatchPart
{
    private readonly CommunityDb _db;
    private readonly ReactionCounts _counts;
    private readonly CommunityMetrics _metrics;
    private readonly ReactionWindows _windows;
    private readonly Dictionary<string, Target> _targets = new(StringComparer.Ordinal);
    private readonly List<(Target Target, string Kind, int Delta)> _changes = [];
    private int _mark;
    private List<string>? _emitted, _owed; // what StoreAsync did, for the windows once the batch is published
    private int _coalesced; // changes of the owed targets: counted only once the batch is published, never for a failed commit

    internal ReactionTally(CommunityDb db, ReactionCounts counts, CommunityMetrics metrics, ReactionWindows windows) =>
        (_db, _counts, _metrics, _windows) = (db, counts, metrics, windows);

    /// <summary>Records one user's reaction appearing (+1) or going (-1) on a target.</summary>
    public async Task ChangeAsync(string topicId, string? replyId, string kind, int delta, CancellationToken ct)
    {
        var target = await TargetAsync(topicId, replyId, ct);
        target.Delta[kind] = target.Delta.GetValueOrDefault(kind) + delta;
        target.Changes++;
        _changes.Add((target, kind, delta));
    }

    /// <summary>
    /// Makes the batch send the target's ReactionsChanged (its current counts) even if nothing in it changes them:
    /// the event a coalescing window or a crash left owed.
    /// </summary>
    public async Task OweEventAsync(string topicId, string? replyId, CancellationToken ct) =>
        (await TargetAsync(topicId, replyId, ct)).Owed = true;

    /// <summary>The target's counts as this batch has left them so far (every configured kind, zero included).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountsAsync(string topicId, string? replyId, CancellationToken ct) =>
        (await TargetAsync(topicId, replyId, ct)).Current();

    /// <summary>The score of a reply target as this batch leaves its counts.</summary>
    internal long ScoreOf(Target target) => _counts.ScoreOf(target.Current());

    void IBatchPart.Mark() => _mark = _changes.Count;

    /// <summary>Undoes the changes of a refused command (everything since the last mark).</summary>
    void IBatchPart.Undo()
    {
        for (var i = _changes.Count - 1; i >= _mark; i--)
        {
            var (target, kind, delta) = _changes[i];
            target.Delta[kind] -= delta;
            target.Changes--;
        }
        _changes.RemoveRange(_mark, _changes.Count - _mark);
    }

    Task IBatchPart.StoreAsync(WriteContext batch, CancellationToken ct) => BatchReactions.StoreAsync(this, _windows, batch, ct);

    void IBatchPart.Published(long at)
    {
        _windows.Finished(_emitted, _owed, at);
        if (_coalesced > 0)
        {
            _metrics.ReactionsCoalesced(_coalesced);
        }
    }

    /// <summary>The target got its ReactionsChanged in this batch.</summary>
    internal void Emitted(string targetId) => (_emitted ??= []).Add(targetId);

    /// <summary>
    /// The target's event is owed: stored as pending, for its window's end (never undone). Every change of it in
    /// this batch is folded into that later event, which is what livecommunity.reactions.coalesced counts.
    /// </summary>
    internal void Owe(Target target)
    {
        (_owed ??= []).Add(target.Id);
        _coalesced += target.Changes;
    }

    /// <summary>Targets whose counts this batch changed or that are owed an event, with their absolute counts and the changes to store.</summary>
    internal IEnumerable<Target> Changed() => _targets.Values.Where(t => t.Owed || t.Delta.Values.Any(d => d != 0));

    private async Task<Target> TargetAsync(string topicId, string? replyId, CancellationToken ct)
    {
        var id = replyId ?? topicId;
        if (!_targets.TryGetValue(id, out var target))
        {
            // Counts rows change only when the batch finishes, so what is read here stays the base all batch long.
            target = new Target(id, topicId, replyId, await _counts.ForAsync(_db, id, ct));
            _targets[id] = target;
        }
        return target;
    }

    internal sealed class Target(string id, string topicId, string? replyId, IReadOnlyDictionary<string, int> stored)
    {
        public string Id { get; } = id;
        public string TopicId { get; } = topicId;
        public string? ReplyId { get; } = replyId;
        public Dictionary<string, int> Delta { get; } = new(StringComparer.Ordinal);

        /// <summary>Reactions set or cleared on it by the batch's kept commands (a +1 and a -1 are two, though they cancel).</summary>
        public int Changes { get; set; }

        public bool Owed { get; set; }

        public IReadOnlyDictionary<string, int> Current()
        {
            var counts = new Dictionary<string, int>(stored, StringComparer.Ordinal);
            foreach (var (kind, delta) in Delta)
            {
                if (counts.ContainsKey(kind))
                {
                    counts[kind] += delta;
                }
            }
            return counts;
        }
    }
}

/// <summary>Any feature's command reaches the batch's tally by name (a restored or edited reply answers with its counts).</summary>
public static class ReactionTallyExtensions
{
    extension(WriteContext write)
    {
        /// <summary>Reaction counts as this batch has changed them so far.</summary>
        public ReactionTally Reactions => write.Part<ReactionTally>();
    }
}
