using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Reactions.Internal;

/// <summary>
/// One topic queue's reaction coalescing windows: when each target last got a ReactionsChanged on this instance,
/// which targets are owed one, and which have a flush queued. A target whose last event is younger than the window
/// has its changes stored at once but its event owed (a PendingReactionEvents row), and the queue runs a flush
/// command for it when the window ends: nothing waits for a window, so a reaction storm runs at batch speed. The
/// queue may retire only when nothing is owed and every window has passed, so that a reaction right after it
/// still waits out the window. Not thread-safe: only its queue's drain loop calls it, one call at a time.
/// </summary>
internal sealed class ReactionWindows(string? topicId, ReactionParticipant owner) : IQueuePart
{
    private readonly Dictionary<string, long> _lastEmitted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _owed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flushing = new(StringComparer.Ordinal); // owed, with a flush queued

    public IBatchPart Begin(WriteContext batch) => new ReactionTally(batch.Db, owner.Counts, owner.Metrics, this);

    /// <summary>True when the target's last ReactionsChanged on this instance is at least a window old.</summary>
    public bool MayEmit(string targetId) =>
        !_lastEmitted.TryGetValue(targetId, out var at) || owner.Time.GetElapsedTime(at) >= owner.Window;

    /// <summary>True when the target has a pending row (an owed event) that no flush has taken yet.</summary>
    public bool IsOwed(string targetId) => _owed.Contains(targetId);

    /// <summary>
    /// Queues a flush for every owed target whose window has ended. A queued flush takes the obligation over
    /// (the target leaves the owed set when the flush starts).
    /// </summary>
    public void AddDue(long now, DueWrites due)
    {
        foreach (var target in _owed)
        {
            if (!_flushing.Contains(target) && Left(target, now) <= TimeSpan.Zero)
            {
                // Owed targets come only from batches of a topic, so this queue has one.
                due.Add(new FlushReactionsCommand(topicId!, target));
                _flushing.Add(target);
            }
        }
    }

    /// <summary>A flush starts in a batch: the obligation is its own now.</summary>
    public void Started(object command)
    {
        if (command is FlushReactionsCommand flush)
        {
            _flushing.Remove(flush.TargetId);
            _owed.Remove(flush.TargetId); // the flush owns it now; a batch that defers it again says so
        }
    }

    /// <summary>
    /// While anything is owed: how long until the next window ends (its flush is due then). Otherwise null when
    /// no target emitted within the window (the queue may retire), or how long until none has.
    /// </summary>
    public TimeSpan? Holds(long now)
    {
        if (_owed.Count == 0)
        {
            return CoolDown(now);
        }
        var next = TimeSpan.MaxValue;
        foreach (var target in _owed)
        {
            if (!_flushing.Contains(target))
            {
                var left = Left(target, now);
                next = left < next ? left : next;
            }
        }
        return next;
    }

    /// <summary>A batch was published: the targets it sent an event for, and those it left owed.</summary>
    public void Finished(List<string>? emitted, List<string>? owed, long at)
    {
        if (emitted is not null)
        {
            foreach (var target in emitted)
            {
                _lastEmitted[target] = at;
                _owed.Remove(target);
            }
        }
        if (owed is not null)
        {
            _owed.UnionWith(owed);
        }
    }

    private TimeSpan Left(string target, long now) =>
        _lastEmitted.TryGetValue(target, out var at) ? owner.Window - owner.Time.GetElapsedTime(at, now) : TimeSpan.Zero;

    private TimeSpan? CoolDown(long now)
    {
        TimeSpan? longest = null;
        foreach (var (target, at) in _lastEmitted.ToList())
        {
            var left = owner.Window - owner.Time.GetElapsedTime(at, now);
            if (left <= TimeSpan.Zero)
            {
                _lastEmitted.Remove(target);
            }
            else if (longest is null || left > longest)
            {
                longest = left;
            }
        }
        return longest;
    }
}
