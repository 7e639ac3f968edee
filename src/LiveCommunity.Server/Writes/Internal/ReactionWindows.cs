namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// One topic queue's reaction coalescing windows: when each target last got a ReactionsChanged on this instance,
/// which targets are owed one, and the flush commands queued for them. Not thread-safe: its queue calls it under
/// the queue's lock.
/// </summary>
internal sealed class ReactionWindows(string topicKey, QueueSet owner)
{
    private readonly Dictionary<string, long> _lastEmitted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _owed = new(StringComparer.Ordinal);
    private readonly Dictionary<PendingWrite, string> _flushes = [];
    private readonly HashSet<string> _flushing = new(StringComparer.Ordinal); // the targets of _flushes

    public bool AnyOwed => _owed.Count > 0;

    public bool MayEmit(string targetId) =>
        !_lastEmitted.TryGetValue(targetId, out var at) || owner.Time.GetElapsedTime(at) >= owner.Reactions.CoalesceWindow;

    public bool IsOwed(string targetId) => _owed.Contains(targetId);

    /// <summary>
    /// Queues a flush for every owed target whose window has ended; returns how long until the next one ends. A
    /// queued flush takes the obligation over (the target leaves the owed set when the flush starts).
    /// </summary>
    public TimeSpan QueueDueFlushes(long now, List<PendingWrite> pending)
    {
        var next = TimeSpan.MaxValue;
        foreach (var target in _owed)
        {
            if (_flushing.Contains(target))
            {
                continue;
            }
            var left = _lastEmitted.TryGetValue(target, out var at)
                ? owner.Reactions.CoalesceWindow - owner.Time.GetElapsedTime(at, now)
                : TimeSpan.Zero;
            if (left <= TimeSpan.Zero)
            {
                var flush = new PendingWrite<bool>(new FlushReactionsCommand(topicKey, target)) { EnqueuedAt = now };
                _flushes[flush] = target;
                _flushing.Add(target);
                pending.Add(flush);
            }
            else if (left < next)
            {
                next = left;
            }
        }
        return next;
    }

    /// <summary>A write of the queue starts in a batch: if it is a flush, the obligation is its own now.</summary>
    public void Started(PendingWrite write)
    {
        if (_flushes.Remove(write, out var target))
        {
            _flushing.Remove(target);
            _owed.Remove(target); // the flush owns it now; a batch that defers it again says so
        }
    }

    /// <summary>A batch was published: the targets it sent an event for, and those it left owed.</summary>
    public void Finished(BatchResult result, long at)
    {
        foreach (var emitted in result.EmittedKeys)
        {
            _lastEmitted[emitted] = at;
            _owed.Remove(emitted);
        }
        _owed.UnionWith(result.OwedKeys);
    }

    /// <summary>Null when no target emitted within the window (the queue may retire); otherwise how long until none has.</summary>
    public TimeSpan? CoolDown(long now)
    {
        var window = owner.Reactions.CoalesceWindow;
        TimeSpan? longest = null;
        foreach (var (k, at) in _lastEmitted.ToList())
        {
            var left = window - owner.Time.GetElapsedTime(at, now);
            if (left <= TimeSpan.Zero)
            {
                _lastEmitted.Remove(k);
            }
            else if (longest is null || left > longest)
            {
                longest = left;
            }
        }
        return longest;
    }
}

/// <summary>What a batch needs of its queue's reaction coalescing windows.</summary>
internal interface IReactionWindows
{
    /// <summary>True when the target's last ReactionsChanged on this instance is at least a window old.</summary>
    bool MayEmit(string targetId);

    /// <summary>True when the target has a pending row (an owed event) that no flush has taken yet.</summary>
    bool IsOwed(string targetId);
}
