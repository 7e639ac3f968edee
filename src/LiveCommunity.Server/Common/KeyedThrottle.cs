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
        lock (state)
        {
            state.Scheduled = false;
            state.LastFlush = time.GetUtcNow();
        }
        try
        {
            await flush(key);
        }
        catch (Exception ex)
        {
            LogFlushFailed(logger, ex, key.ToString());
        }
        // Forget quiet keys after one more window, so the table holds only active targets.
        await Task.Delay(window, time);
        lock (state)
        {
            if (!state.Scheduled && time.GetUtcNow() - state.LastFlush >= window)
            {
                state.Retired = true;
                _states.TryRemove(new KeyValuePair<TKey, State>(key, state));
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
