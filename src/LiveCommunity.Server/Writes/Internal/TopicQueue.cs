namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// One topic's commands on this instance, drained in batches by one loop at a time, and the participants' state
/// for the topic (<see cref="IQueuePart"/>): a part may leave work for later (an event held back, say) and add it
/// as a write of its own when it falls due. Nothing waits for that, so commands run at batch speed meanwhile. The
/// queue retires itself when it is empty and no part holds it, so idle topics cost nothing.
/// </summary>
internal sealed class TopicQueue(string key, QueueSet owner)
{
    private readonly object _lock = new();
    private readonly List<PendingWrite> _pending = [];
    private readonly IQueuePart[] _parts = Array.ConvertAll(owner.Participants, p => p.ForQueue(key.Length == 0 ? null : key));
    private bool _draining;
    private bool _retired;
    private TaskCompletionSource? _arrived;
    private TaskCompletionSource? _gathering; // a young batch waiting to fill: woken by a command that may not wait
    private long _lastArrival;
    private int _lastBatchSize;

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
            _lastArrival = write.EnqueuedAt;
            if (!write.MayWaitForBatch || _pending.Count >= owner.Options.MaxBatchSize)
            {
                _gathering?.TrySetResult();
            }
            start = StartDrainingLocked();
        }
        if (start)
        {
            _ = Task.Run(DrainAsync);
        }
        return EnqueueResult.Queued;
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
            TimeSpan wait = default;
            lock (_lock)
            {
                var now = owner.Time.GetTimestamp();
                _pending.RemoveAll(w => !w.IsQueued); // abandoned by their callers or the wait limit
                foreach (var part in _parts)
                {
                    part.AddDue(now, new DueWrites(_pending, part, now));
                }
                if (_pending.Count > 0)
                {
                    arrived = Task.CompletedTask;
                }
                else if (HeldFor(now) is not { } held)
                {
                    _retired = true;
                    _draining = false;
                    owner.Remove(this);
                    return;
                }
                else
                {
                    wait = held;
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived = _arrived.Task;
                }
            }
            if (!arrived.IsCompleted)
            {
                await Task.WhenAny(arrived, Task.Delay(wait, owner.Time));
                continue;
            }

            // Before taking a slot: a young batch that waits to fill keeps no other topic's batch out meanwhile.
            await GatherAsync();
            // The slot is held for the transaction only: the events go out and the callers are answered after it
            // is released, before this topic's next batch (so the topic's events still leave in seq order).
            await owner.Slots.WaitAsync();
            CommittedBatch? committed = null;
            try
            {
                List<PendingWrite> batch;
                lock (_lock)
                {
                    batch = Take();
                }
                if (batch.Count > 0)
                {
                    committed = await owner.Runner.CommitAsync(Key.Length == 0 ? null : Key, batch, _parts);
                }
            }
            finally
            {
                owner.Slots.Release();
            }
            if (committed is not null)
            {
                await owner.Runner.PublishAsync(committed);
                lock (_lock)
                {
                    committed.Batch.Published(owner.Time.GetTimestamp());
                }
                await owner.Runner.RoomAsync(committed);
            }
        }
    }

    /// <summary>With nothing to run: null when no part holds the queue (it may retire), else the soonest a part asks to look again.</summary>
    private TimeSpan? HeldFor(long now)
    {
        TimeSpan? soonest = null;
        foreach (var part in _parts)
        {
            if (part.Holds(now) is { } held && (soonest is null || held < soonest))
            {
                soonest = held;
            }
        }
        return soonest;
    }

    /// <summary>
    /// Gives a young batch a moment to fill before it starts: Writes:MaxBatchDelay, or ReactionBatchDelay while every
    /// queued command may wait that long (reactions). A command that may not wait, or a full batch, ends the wait;
    /// so does a pause in arrivals: half of ReactionBatchDelay, or a tenth once as many are queued as the last batch
    /// held. Why the second: clients that send again only once answered (a fixed number in flight, one reader
    /// clicking) are all back by then, and waiting longer would only slow them; a steady stream from many readers
    /// keeps arriving past the last batch's size, so its batches grow to the full delay (bench/findings.md).
    /// </summary>
    private async Task GatherAsync()
    {
        while (true)
        {
            Task woken;
            TimeSpan left;
            lock (_lock)
            {
                _gathering = null;
                if (_pending.Count == 0 || _pending.Count >= owner.Options.MaxBatchSize)
                {
                    return;
                }
                var reactions = owner.Options.ReactionBatchDelay;
                if (reactions > owner.Options.MaxBatchDelay && _pending.TrueForAll(w => w.MayWaitForBatch))
                {
                    var sinceArrival = owner.Time.GetElapsedTime(_lastArrival);
                    left = Min(reactions - owner.Time.GetElapsedTime(_pending[0].EnqueuedAt), reactions / 2 - sinceArrival);
                    if (_pending.Count >= _lastBatchSize)
                    {
                        left = Min(left, reactions / 10 - sinceArrival);
                    }
                }
                else
                {
                    left = owner.Options.MaxBatchDelay - owner.Time.GetElapsedTime(_pending[0].EnqueuedAt);
                }
                if (left <= TimeSpan.Zero)
                {
                    return;
                }
                _gathering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                woken = _gathering.Task;
            }
            await Task.WhenAny(woken, Task.Delay(left, owner.Time));
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

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
                write.DueFrom?.Started(write.Command); // a due write is its batch's to answer for now
            }
            return true;
        });
        _lastBatchSize = batch.Count(w => w.MayWaitForBatch); // what callers sent: due writes (owed events) are the queue's
        return batch;
    }
}

internal enum EnqueueResult
{
    Queued,
    Full,
    Retired,
}
