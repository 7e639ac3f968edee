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
    private readonly ReactionWindows _windows = new(key, owner);
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
            return _windows.MayEmit(targetId);
        }
    }

    public bool IsOwed(string targetId)
    {
        lock (_lock)
        {
            return _windows.IsOwed(targetId);
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
                wait = _windows.QueueDueFlushes(now, _pending);
                if (_pending.Count > 0)
                {
                    arrived = Task.CompletedTask;
                }
                else if (!_windows.AnyOwed && _windows.CoolDown(now) is not { } coolDown)
                {
                    _retired = true;
                    _draining = false;
                    owner.Remove(this);
                    return;
                }
                else
                {
                    wait = _windows.AnyOwed ? wait : _windows.CoolDown(now)!.Value;
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
                    _windows.Finished(result, owner.Time.GetTimestamp());
                }
            }
        }
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
                _windows.Started(write);
            }
            return true;
        });
        return batch;
    }
}

internal enum EnqueueResult
{
    Queued,
    Full,
    Retired,
}
