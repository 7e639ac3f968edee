using LiveCommunity.Server.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LiveCommunity.Server.Tests.Common;

/// <summary>The throttle behind TopicStats, PresenceChanged and reaction events: it must forget quiet keys.</summary>
public sealed class KeyedThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task AQuietKeyIsForgottenOneWindowAfterItsFlush()
    {
        var time = new SkewedClock();
        var (throttle, flushed) = Counting(time, Window);

        Assert.True(throttle.Signal("t_1"));
        Assert.True(await flushed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, throttle.PendingKeys);

        await AdvanceUntilAsync(time, Window, () => throttle.PendingKeys == 0);
        Assert.Equal(0, throttle.PendingKeys);
    }

    [Fact]
    public async Task ATimerFiringAHairBeforeTheClockStillForgetsTheKey()
    {
        // Timers and the wall clock are separate sources: the forget timer can fire while the clock still reads
        // a little less than a window since the flush. The key must not be left behind for good.
        var time = new SkewedClock();
        var flushed = new SemaphoreSlim(0);
        var throttle = new KeyedThrottle<string>(Window, _ =>
        {
            time.Skew = TimeSpan.FromMilliseconds(-1); // the clock now reads 1 ms behind the timers
            flushed.Release();
            return Task.CompletedTask;
        }, time, NullLogger.Instance);

        throttle.Signal("t_1");
        Assert.True(await flushed.WaitAsync(TimeSpan.FromSeconds(10)));
        // Every forget timer fires "early" by the clock; the key must go all the same.
        await AdvanceUntilAsync(time, Window, () => throttle.PendingKeys == 0);
        Assert.Equal(0, throttle.PendingKeys);
    }

    [Fact]
    public async Task ASignalAfterTheFlushKeepsTheKeyUntilItsOwnFlushGoesQuiet()
    {
        var time = new SkewedClock();
        var (throttle, flushes) = Counting(time, Window);

        throttle.Signal("t_1");
        Assert.True(await flushes.WaitAsync(TimeSpan.FromSeconds(10)));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(throttle.Signal("t_1")); // scheduled for the end of the window
        Assert.False(throttle.Signal("t_1")); // folded into it

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(await flushes.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, throttle.PendingKeys);
        await AdvanceUntilAsync(time, Window, () => throttle.PendingKeys == 0);
        Assert.Equal(0, throttle.PendingKeys);
    }

    [Fact]
    public async Task AFlushThatAsksForALongerQuietHoldsTheNextFlushForAllOfIt()
    {
        var time = new SkewedClock();
        var (throttle, flushes) = Counting(time, 3 * Window);

        throttle.Signal("t_1");
        Assert.True(await flushes.WaitAsync(TimeSpan.FromSeconds(10)));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(throttle.Signal("t_1")); // scheduled for the end of the quiet, not of the window

        await AdvanceUntilAsync(time, Window, () => flushes.CurrentCount > 0, steps: 2);
        Assert.Equal(0, flushes.CurrentCount); // 2.5 windows after the flush: still quiet
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(await flushes.WaitAsync(TimeSpan.FromSeconds(10)));
        // The key is kept for the second flush's quiet, then forgotten.
        await AdvanceUntilAsync(time, Window, () => throttle.PendingKeys == 0, steps: 2);
        Assert.Equal(1, throttle.PendingKeys);
        await AdvanceUntilAsync(time, Window, () => throttle.PendingKeys == 0);
        Assert.Equal(0, throttle.PendingKeys);
    }

    [Fact]
    public async Task ASignalDuringAFlushThatAsksForALongerQuietWaitsItOut()
    {
        // The signal is scheduled by the quiet known when it comes (one window); the flush then asks for three.
        var time = new SkewedClock();
        var flushes = new SemaphoreSlim(0);
        var inFlush = new SemaphoreSlim(0);
        var release = new TaskCompletionSource();
        var first = true;
        var throttle = new KeyedThrottle<string>(Window, async _ =>
        {
            if (first)
            {
                first = false;
                inFlush.Release();
                await release.Task;
            }
            flushes.Release();
            return 3 * Window;
        }, time, NullLogger.Instance);

        throttle.Signal("t_1");
        Assert.True(await inFlush.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(throttle.Signal("t_1"));
        release.SetResult();
        Assert.True(await flushes.WaitAsync(TimeSpan.FromSeconds(10)));

        await AdvanceUntilAsync(time, Window, () => flushes.CurrentCount > 0, steps: 2);
        Assert.Equal(0, flushes.CurrentCount); // two windows later: the old quiet is over, the new one is not
        time.Advance(Window);
        Assert.True(await flushes.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A throttle whose flushes count themselves on the semaphore and each ask for <paramref name="quiet"/>.</summary>
    private static (KeyedThrottle<string> Throttle, SemaphoreSlim Flushes) Counting(SkewedClock time, TimeSpan quiet)
    {
        var flushes = new SemaphoreSlim(0);
        return (new KeyedThrottle<string>(Window, _ => { flushes.Release(); return Task.FromResult(quiet); }, time, NullLogger.Instance), flushes);
    }

    /// <summary>
    /// Advances the fake time by steps, giving the continuations each step releases a moment to run, until done
    /// (a timer registered just after a step needs the next one). Twenty windows is far more than any test needs.
    /// </summary>
    private static async Task AdvanceUntilAsync(SkewedClock time, TimeSpan step, Func<bool> done, int steps = 20)
    {
        for (var i = 0; i < steps && !done(); i++)
        {
            time.Advance(step);
            for (var j = 0; j < 10 && !done(); j++)
            {
                await Task.Delay(10);
            }
        }
    }

    /// <summary>Fake time whose wall clock can be set to read a little off from its timers.</summary>
    private sealed class SkewedClock : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new();

        public TimeSpan Skew { get; set; }

        public void Advance(TimeSpan by) => _fake.Advance(by);

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow() + Skew;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            _fake.CreateTimer(callback, state, dueTime, period);
    }
}
