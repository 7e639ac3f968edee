using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// One topic's commands on this instance, drained in batches by one loop at a time, and the topic's reaction
/// coalescing windows (<see cref="IReactionWindows"/>): a target whose last ReactionsChanged is younger than the
/// window has its changes stored at once but its event owed, and the queue sends the owed event (a flush
/// command) when the window ends. Nothing waits for a window, so a reaction storm runs at batch speed. The queue
/// retires itself when it is empty, owes nothing and its windows have passed, so idle topics cost nothing.
/// </summary>
internal sealed class TopicQueue(string key, QueueSet owner) : IReactionWindows
{
    private readonly object _lock = new();
    private readonly List<PendingWrite> _pending = [];
    private readonly Dictionary<string, long> _lastEmitted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _owed = new(StringComparer.Ordinal);
    private readonly Dictionary<PendingWrite, string> _flushes = [];
    private readonly HashSet<string> _flushing = new(StringComparer.Ordinal); // the targets of _flushes
    private bool _draining;
    private bool _retired;
    private TaskCompletionSource? _arrived;

    public string Key { get; } = key;

    public EnqueueResult TryEnqueue(PendingWrite write)
    {
        bool start;
        lock (_lock)
        {
            if (_retired)
            {
                return EnqueueResult.Retired;
            }
            if (_pending.Count >= owner.Options.MaxQueuedPerTopic)
            {
                return EnqueueResult.Full;
            }
            _pending.Add(write);
            start = StartDrainingLocked();
        }
        if (start)
        {
            _ = Task.Run(DrainAsync);
        }
        return EnqueueResult.Queued;
    }

    public bool MayEmit(string targetId)
    {
        lock (_lock)
        {
            return !_lastEmitted.TryGetValue(targetId, out var at)
                || owner.Time.GetElapsedTime(at) >= owner.Reactions.CoalesceWindow;
        }
    }

    public bool IsOwed(string targetId)
    {
        lock (_lock)
        {
            return _owed.Contains(targetId);
        }
    }

    private bool StartDrainingLocked()
    {
        var start = !_draining;
        _draining = true;
        _arrived?.TrySetResult();
        return start;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            Task arrived;
            TimeSpan wait;
            lock (_lock)
            {
                var now = owner.Time.GetTimestamp();
                _pending.RemoveAll(w => !w.IsQueued); // abandoned by their callers or the wait limit
                wait = QueueDueFlushes(now);
                if (_pending.Count > 0)
                {
                    arrived = Task.CompletedTask;
                }
                else if (_owed.Count == 0 && CoolDown(now) is not { } coolDown)
                {
                    _retired = true;
                    _draining = false;
                    owner.Remove(this);
                    return;
                }
                else
                {
                    wait = _owed.Count > 0 ? wait : CoolDown(now)!.Value;
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived = _arrived.Task;
                }
            }
            if (!arrived.IsCompleted)
            {
                await Task.WhenAny(arrived, Task.Delay(wait, owner.Time));
                continue;
            }

            // The slot is held for the transaction only: the events go out and the callers are answered after it
            // is released, before this topic's next batch (so the topic's events still leave in seq order).
            await owner.Slots.WaitAsync();
            CommittedBatch? committed = null;
            try
            {
                await GatherAsync();
                List<PendingWrite> batch;
                lock (_lock)
                {
                    batch = Take();
                }
                if (batch.Count > 0)
                {
                    committed = await owner.Runner.CommitAsync(Key.Length == 0 ? null : Key, batch, this);
                }
            }
            finally
            {
                owner.Slots.Release();
            }
            if (committed is not null)
            {
                var result = await owner.Runner.PublishAsync(committed);
                lock (_lock)
                {
                    var at = owner.Time.GetTimestamp();
                    foreach (var emitted in result.EmittedKeys)
                    {
                        _lastEmitted[emitted] = at;
                        _owed.Remove(emitted);
                    }
                    _owed.UnionWith(result.OwedKeys);
                }
            }
        }
    }

    /// <summary>
    /// Queues a flush for every owed target whose window has ended; returns how long until the next one ends. A
    /// queued flush takes the obligation over (the target leaves <see cref="_owed"/> when the flush starts).
    /// </summary>
    private TimeSpan QueueDueFlushes(long now)
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
                var flush = new PendingWrite<bool>(new FlushReactionsCommand(Key, target)) { EnqueuedAt = now };
                _flushes[flush] = target;
                _flushing.Add(target);
                _pending.Add(flush);
            }
            else if (left < next)
            {
                next = left;
            }
        }
        return next;
    }

    // With a batch delay configured, give a young batch a moment to fill before it starts.
    private async Task GatherAsync()
    {
        var delay = owner.Options.MaxBatchDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        long oldest;
        lock (_lock)
        {
            if (_pending.Count == 0 || _pending.Count >= owner.Options.MaxBatchSize)
            {
                return;
            }
            oldest = _pending[0].EnqueuedAt;
        }
        var left = delay - owner.Time.GetElapsedTime(oldest);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, owner.Time);
        }
    }

    /// <summary>The next batch in arrival order: up to MaxBatchSize commands that have not been abandoned.</summary>
    private List<PendingWrite> Take()
    {
        var batch = new List<PendingWrite>(Math.Min(_pending.Count, owner.Options.MaxBatchSize));
        _pending.RemoveAll(write =>
        {
            if (batch.Count >= owner.Options.MaxBatchSize)
            {
                return false;
            }
            if (write.TryStart())
            {
                batch.Add(write);
                if (_flushes.Remove(write, out var target))
                {
                    _flushing.Remove(target);
                    _owed.Remove(target); // the flush owns it now; a batch that defers it again says so
                }
            }
            return true;
        });
        return batch;
    }

    /// <summary>Null when no target emitted within the window (the queue may retire); otherwise how long until none has.</summary>
    private TimeSpan? CoolDown(long now)
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

internal enum EnqueueResult
{
    Queued,
    Full,
    Retired,
}
