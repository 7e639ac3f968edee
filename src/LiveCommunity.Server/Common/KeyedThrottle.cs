using System.Collections.Concurrent;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Runs <c>flush(key)</c> at most once per window per key, and always once after the last signal, so the
/// newest state is never left unsent. The first signal after a quiet spell flushes at once (no added latency);
/// a burst collapses into one flush per window. Used for ReactionsChanged and PresenceChanged.
/// A flush may ask for a longer quiet than the window before the key's next flush (presence to a big crowd).
/// </summary>
public sealed partial class KeyedThrottle<TKey> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, State> _states = new();
    private readonly TimeSpan window;
    private readonly Func<TKey, Task<TimeSpan>> flush;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    public KeyedThrottle(TimeSpan window, Func<TKey, Task> flush, TimeProvider time, ILogger logger)
        : this(window, async key => { await flush(key); return window; }, time, logger)
    {
    }

    /// <param name="flush">Returns how long the key stays quiet after this flush; less than the window means the window.</param>
    public KeyedThrottle(TimeSpan window, Func<TKey, Task<TimeSpan>> flush, TimeProvider time, ILogger logger) =>
        (this.window, this.flush, this.time, this.logger) = (window, flush, time, logger);

    public int PendingKeys => _states.Count;

    /// <returns>False when the signal was folded into an already scheduled flush.</returns>
    public bool Signal(TKey key)
    {
        while (true)
        {
            var state = _states.GetOrAdd(key, static (_, window) => new State { Quiet = window }, window);
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
                delay = elapsed >= state.Quiet ? TimeSpan.Zero : state.Quiet - elapsed;
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
            await WaitQuietAsync(state);
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
        var quiet = window;
        try
        {
            quiet = await flush(key);
        }
        catch (Exception ex)
        {
            LogFlushFailed(logger, ex, key.ToString());
        }
        if (quiet < window)
        {
            quiet = window;
        }
        lock (state)
        {
            // A signal during the flush was scheduled by the old quiet; its run re-reads this one (WaitQuietAsync).
            state.Quiet = quiet;
        }
        // Forget quiet keys after one more window, so the table holds only active targets. A later signal's run
        // owns the key from then on. Timers and the clock differ by a little, so a timer that fires a hair early
        // waits out the rest instead of leaving the key behind for good.
        var wait = quiet;
        while (true)
        {
            await Task.Delay(wait, time);
            lock (state)
            {
                if (state.Scheduled || state.LastFlush != flushedAt)
                {
                    return;
                }
                wait = state.Quiet - (time.GetUtcNow() - flushedAt);
                if (wait <= TimeSpan.Zero)
                {
                    state.Retired = true;
                    _states.TryRemove(new KeyValuePair<TKey, State>(key, state));
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Waits out the rest of the quiet the last flush asked for, when it asked for more than this run was scheduled
    /// by (a signal that came while that flush ran). Only a longer quiet waits: a timer a hair early by the clock
    /// flushes as before.
    /// </summary>
    private async Task WaitQuietAsync(State state)
    {
        while (true)
        {
            TimeSpan rest;
            lock (state)
            {
                rest = state.Quiet == window ? TimeSpan.Zero : state.Quiet - (time.GetUtcNow() - state.LastFlush);
            }
            if (rest <= TimeSpan.Zero)
            {
                return;
            }
            await Task.Delay(rest, time);
        }
    }

    private sealed class State
    {
        public bool Scheduled;
        public bool Retired;
        public DateTimeOffset LastFlush = DateTimeOffset.MinValue;
        public TimeSpan Quiet;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Throttled flush for {Key} failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex, string? key);
}
