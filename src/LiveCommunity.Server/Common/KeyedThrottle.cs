using System.Collections.Concurrent;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Runs <c>flush(key)</c> at most once per window per key, and always once after the last signal, so the
/// newest state is never left unsent. The first signal after a quiet spell flushes at once (no added latency);
/// a burst collapses into one flush per window. Used for ReactionsChanged and PresenceChanged.
/// </summary>
public sealed partial class KeyedThrottle<TKey>(TimeSpan window, Func<TKey, Task> flush, TimeProvider time, ILogger logger)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, State> _states = new();

    public int PendingKeys => _states.Count;

    /// <returns>False when the signal was folded into an already scheduled flush.</returns>
    public bool Signal(TKey key)
    {
        while (true)
        {
            var state = _states.GetOrAdd(key, static _ => new State());
            TimeSpan delay;
            lock (state)
            {
                if (state.Retired)
                {
                    continue; // lost a race with cleanup: take the fresh state
                }
                if (state.Scheduled)
                {
                    return false; // the pending flush runs after this signal and reads the newest state
                }
                state.Scheduled = true;
                var elapsed = time.GetUtcNow() - state.LastFlush;
                delay = elapsed >= window ? TimeSpan.Zero : window - elapsed;
            }
            _ = RunAsync(key, state, delay);
            return true;
        }
    }

    private async Task RunAsync(TKey key, State state, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time);
        }
        else
        {
            await Task.Yield(); // never flush on the signalling caller's stack
        }
        DateTimeOffset flushedAt;
        lock (state)
        {
            state.Scheduled = false;
            state.LastFlush = flushedAt = time.GetUtcNow();
        }
        try
        {
            await flush(key);
        }
        catch (Exception ex)
        {
            LogFlushFailed(logger, ex, key.ToString());
        }
        // Forget quiet keys after one more window, so the table holds only active targets. A later signal's run
        // owns the key from then on. Timers and the clock differ by a little, so a timer that fires a hair early
        // waits out the rest instead of leaving the key behind for good.
        var wait = window;
        while (true)
        {
            await Task.Delay(wait, time);
            lock (state)
            {
                if (state.Scheduled || state.LastFlush != flushedAt)
                {
                    return;
                }
                wait = window - (time.GetUtcNow() - flushedAt);
                if (wait <= TimeSpan.Zero)
                {
                    state.Retired = true;
                    _states.TryRemove(new KeyValuePair<TKey, State>(key, state));
                    return;
                }
            }
        }
    }

    private sealed class State
    {
        public bool Scheduled;
        public bool Retired;
        public DateTimeOffset LastFlush = DateTimeOffset.MinValue;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Throttled flush for {Key} failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex, string? key);
}
