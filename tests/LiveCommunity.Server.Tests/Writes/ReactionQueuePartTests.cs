using System.Diagnostics.Metrics;
using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Reactions.Internal;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using LiveCommunity.Server.Writes.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LiveCommunity.Server.Tests.Writes;

/// <summary>
/// Reaction coalescing as a topic queue sees it (<see cref="IQueuePart"/>): what it adds as due, and when it lets
/// the queue retire. A queue that retired while an event is owed would leave that event to the crash sweep, and
/// one that retired inside a window would let the next reaction's event out early.
/// </summary>
public sealed class ReactionQueuePartTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IQueuePart _part;
    private readonly ReactionWindows _windows;

    public ReactionQueuePartTests()
    {
        var options = Options.Create(new ReactionsOptions { CoalesceWindow = Window });
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        _part = new ReactionParticipant(new ReactionCounts(options), options, _time, new CommunityMetrics(meters)).ForQueue("t_1");
        _windows = (ReactionWindows)_part;
    }

    [Fact]
    public void AQueueWithNothingOwedIsHeldUntilItsLastWindowHasPassed()
    {
        _windows.Finished(["r_1"], null, _time.GetTimestamp());
        Assert.Equal(Window, _part.Holds(_time.GetTimestamp()));

        _time.Advance(Window / 4);
        Assert.Equal(Window * 3 / 4, _part.Holds(_time.GetTimestamp()));

        _time.Advance(Window * 3 / 4);
        Assert.Null(_part.Holds(_time.GetTimestamp()));
    }

    [Fact]
    public void AnOwedEventHoldsTheQueueUntilItsFlushIsDueAndStarts()
    {
        _windows.Finished(["r_1"], null, _time.GetTimestamp());
        _windows.Finished(null, ["r_1"], _time.GetTimestamp()); // a later batch inside the window owes the event
        Assert.True(_windows.IsOwed("r_1"));
        Assert.Empty(Due());
        Assert.Equal(Window, _part.Holds(_time.GetTimestamp()));

        _time.Advance(Window);
        var flush = Assert.Single(Due());
        Assert.Same(_part, flush.DueFrom);
        Assert.Equal("r_1", Assert.IsType<FlushReactionsCommand>(flush.Command).TargetId);
        Assert.Empty(Due()); // queued once, however often the queue asks
        Assert.True(_windows.IsOwed("r_1"), "owed until the flush starts");

        _part.Started(flush.Command);
        Assert.False(_windows.IsOwed("r_1"));
        Assert.Null(_part.Holds(_time.GetTimestamp())); // nothing owed, the window has passed: the queue may retire
    }

    [Fact]
    public void AFlushThatOwesAgainKeepsTheQueue()
    {
        _windows.Finished(null, ["r_1"], _time.GetTimestamp()); // owed with no event seen here yet: due at once
        var flush = Assert.Single(Due());
        _part.Started(flush.Command);

        _windows.Finished(null, ["r_1"], _time.GetTimestamp()); // its batch owed the event again
        Assert.True(_windows.IsOwed("r_1"));
        Assert.NotNull(_part.Holds(_time.GetTimestamp()));
        Assert.Single(Due());
    }

    private List<PendingWrite> Due()
    {
        var pending = new List<PendingWrite>();
        var now = _time.GetTimestamp();
        _part.AddDue(now, new DueWrites(pending, _part, now));
        return pending;
    }
}
