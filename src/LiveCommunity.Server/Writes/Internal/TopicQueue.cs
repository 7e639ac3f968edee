using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// One topic's commands on this instance, drained in batches by one loop at a time. Commands that share a
/// coalescing key (a reaction target) whose last event is younger than the window wait, and then all go in
/// the next batch together: one ReactionsChanged for all of them. The queue retires itself when it is empty
/// and its keys have cooled down, so idle topics cost nothing.
/// </summary>
internal sealed class TopicQueue(string key, QueueSet owner)
{
    private readonly object _lock = new();
    private readonly List<PendingWrite> _pending = [];
    private readonly Dictionary<string, long> _lastEmitted = new(StringComparer.Ordinal);
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
            start = !_draining;
            _draining = true;
            _arrived?.TrySetResult();
        }
        if (start)
        {
            _ = Task.Run(DrainAsync);
        }
        return EnqueueResult.Queued;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            TimeSpan wait;
            Task arrived;
            lock (_lock)
            {
                var now = owner.Time.GetTimestamp();
                _pending.RemoveAll(w => !w.IsQueued); // abandoned by their callers or the wait limit
                if (Ready(now, out wait) > 0)
                {
                    arrived = Task.CompletedTask;
                }
                else if (_pending.Count == 0 && CoolDown(now) is not { } coolDown)
                {
                    _retired = true;
                    _draining = false;
                    owner.Remove(this);
                    return;
                }
                else
                {
                    wait = _pending.Count == 0 ? CoolDown(now)!.Value : wait;
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived = _arrived.Task;
                }
            }
            if (!arrived.IsCompleted)
            {
                await Task.WhenAny(arrived, Task.Delay(wait, owner.Time));
                continue;
            }

            await owner.Slots.WaitAsync();
            try
            {
                await GatherAsync();
                List<PendingWrite> batch;
                lock (_lock)
                {
                    batch = Take(owner.Time.GetTimestamp());
                }
                if (batch.Count > 0)
                {
                    var result = await owner.Runner.RunAsync(Key.Length == 0 ? null : Key, batch);
                    lock (_lock)
                    {
                        var at = owner.Time.GetTimestamp();
                        foreach (var emitted in result.EmittedKeys)
                        {
                            _lastEmitted[emitted] = at;
                        }
                    }
                }
            }
            finally
            {
                owner.Slots.Release();
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

    /// <summary>How many commands may run now; <paramref name="wait"/> is how long until a held one may.</summary>
    private int Ready(long now, out TimeSpan wait)
    {
        var ready = 0;
        wait = TimeSpan.MaxValue;
        foreach (var write in _pending)
        {
            var until = HeldFor(write, now);
            if (until <= TimeSpan.Zero)
            {
                ready++;
            }
            else if (until < wait)
            {
                wait = until;
            }
        }
        return ready;
    }

    /// <summary>
    /// Takes the next batch in arrival order: up to MaxBatchSize commands, plus every held command of a key that
    /// is let through now (they would otherwise wait another whole window).
    /// </summary>
    private List<PendingWrite> Take(long now)
    {
        var batch = new List<PendingWrite>(Math.Min(_pending.Count, owner.Options.MaxBatchSize));
        var released = new HashSet<string>(StringComparer.Ordinal);
        _pending.RemoveAll(write =>
        {
            if (!write.IsQueued)
            {
                return true;
            }
            var coalesced = write.CoalesceKey is { } k && released.Contains(k);
            if (!coalesced && (batch.Count >= owner.Options.MaxBatchSize || HeldFor(write, now) > TimeSpan.Zero))
            {
                return false;
            }
            if (!write.TryStart())
            {
                return true;
            }
            if (write.CoalesceKey is { } coalesceKey)
            {
                released.Add(coalesceKey);
            }
            batch.Add(write);
            return true;
        });
        return batch;
    }

    private TimeSpan HeldFor(PendingWrite write, long now) =>
        write.CoalesceKey is { } k && _lastEmitted.TryGetValue(k, out var at)
            ? owner.Reactions.CoalesceWindow - owner.Time.GetElapsedTime(at, now)
            : TimeSpan.Zero;

    /// <summary>Null when no key emitted within the window (the queue may retire); otherwise how long until none has.</summary>
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

internal enum EnqueueResult
{
    Queued,
    Full,
    Retired,
}
