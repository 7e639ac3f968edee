using System.Collections.Concurrent;
using LiveCommunity.Server.Delivery.Internal;

using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// One group's ordered sends (<see cref="GroupSends{TMember}"/>), with members that record what they got. The
/// group's loop is held on purpose by a member whose delivery waits on a gate (real deliveries never wait), so
/// "behind" is a state the test sets, not a race it hopes for.
/// </summary>
public sealed class GroupSendsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, ConcurrentQueue<int>> _got = new();
    private readonly ConcurrentQueue<(int Member, int Message)> _written = new();
    private List<int> _members = [];

    private GroupSends<int> Sends(int maxQueued = GroupSends.MaxQueued) =>
        new(() => _members.Count, () => _members, inlineMembers: 8, slice: 4, maxQueued);

    private Action<int> Message(int message, ManualResetEventSlim? gate = null, int heldAt = -1) => member =>
    {
        if (member == heldAt)
        {
            gate!.Wait(Timeout);
        }
        _got.GetOrAdd(member, _ => new()).Enqueue(message);
        _written.Enqueue((member, message));
    };

    private int[] GotBy(int member) => _got.TryGetValue(member, out var got) ? [.. got] : [];

    [Fact]
    public void ASmallGroupIsWrittenByItsCallerBeforeTheSendReturns()
    {
        _members = [1, 2, 3];
        var sends = Sends();

        sends.Send(Message(7));

        Assert.All(_members, member => Assert.Equal([7], GotBy(member)));
        Assert.Equal(0, sends.Queued);
    }

    [Fact]
    public async Task ABigGroupIsWrittenByItsOwnLoopInTheOrderSentWhileItsCallerGoesOn()
    {
        _members = [.. Enumerable.Range(0, 40)];
        var sends = Sends();
        using var gate = new ManualResetEventSlim();

        // The loop stops at member 30 of the first message; the caller is not held, and what follows queues.
        await Task.Run(() =>
        {
            sends.Send(Message(0, gate, heldAt: 30));
            for (var i = 1; i < 10; i++)
            {
                sends.Send(Message(i));
            }
        }).WaitAsync(Timeout);
        Assert.True(await Eventually.TrueAsync(() => GotBy(29).Length >= 1), "the loop did not start");
        Assert.Empty(GotBy(30));
        // What the loop had not taken into its run (GroupSends.MaxRun) when it started still waits.
        Assert.Equal(9, sends.Queued + GotBy(29).Length - 1);

        gate.Set();
        Assert.True(await Eventually.TrueAsync(() => _members.All(member => GotBy(member).Length == 10)));
        Assert.All(_members, member => Assert.Equal(Enumerable.Range(0, 10), GotBy(member)));
    }

    [Fact]
    public async Task ASendToAGroupGrownSmallWhileItsLoopRunsStillWaitsItsTurn()
    {
        _members = [.. Enumerable.Range(0, 40)];
        var sends = Sends();
        using var gate = new ManualResetEventSlim();
        await Task.Run(() => sends.Send(Message(0, gate, heldAt: 2))).WaitAsync(Timeout);
        Assert.True(await Eventually.TrueAsync(() => GotBy(1).Length == 1));

        // Most leave: a group this small is written in line when nothing waits, but message 0 still does.
        _members = [0, 1, 2];
        sends.Send(Message(1));
        Assert.Empty(GotBy(2));

        gate.Set();
        Assert.True(await Eventually.TrueAsync(() => GotBy(2).Length == 2 && sends.Queued == 0));
        Assert.All(_members, member => Assert.Equal([0, 1], GotBy(member)));
        // Nothing waits any more: the next send is the caller's again.
        sends.Send(Message(2));
        Assert.All(_members, member => Assert.Equal([0, 1, 2], GotBy(member)));
    }

    [Fact]
    public async Task WhileTheLoopIsFarBehindThoseWhoWaitForRoomWaitAndNothingIsLost()
    {
        _members = [.. Enumerable.Range(0, 20)];
        var sends = Sends(maxQueued: 4);
        using var gate = new ManualResetEventSlim();
        await Task.Run(() => sends.Send(Message(0, gate, heldAt: 10))).WaitAsync(Timeout);
        Assert.True(await Eventually.TrueAsync(() => GotBy(9).Length == 1));
        for (var i = 1; i <= 3; i++)
        {
            sends.Send(Message(i));
        }
        Assert.True(sends.RoomAsync().IsCompletedSuccessfully, "three waiting of four is room");

        sends.Send(Message(4));
        sends.Send(Message(5)); // sends are never refused, even past the bound
        var room = sends.RoomAsync();
        Assert.False(room.IsCompleted);

        gate.Set();
        await room.WaitAsync(Timeout);
        Assert.True(await Eventually.TrueAsync(() => _members.All(member => GotBy(member).Length == 6)));
        Assert.All(_members, member => Assert.Equal(Enumerable.Range(0, 6), GotBy(member)));
        Assert.True(sends.RoomAsync().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task EventsThatWaitedGoOutMemberByMemberAndStateKeepsItsPlace()
    {
        _members = [.. Enumerable.Range(0, 40)];
        var sends = Sends();
        using var gate = new ManualResetEventSlim();
        await Task.Run(() =>
        {
            // State holds the loop (it goes alone, never in a run), so the events after it all wait.
            sends.Send(Message(0, gate, heldAt: 30), paced: true);
            for (var i = 1; i <= 5; i++)
            {
                sends.Send(Message(i));
            }
            sends.Send(Message(6), paced: true); // state (presence): not part of a run
            sends.Send(Message(7));
        }).WaitAsync(Timeout);
        Assert.True(await Eventually.TrueAsync(() => GotBy(29).Length == 1), "the loop did not start");
        Assert.Equal(7, sends.Queued);

        gate.Set();
        Assert.True(await Eventually.TrueAsync(() => _members.All(member => GotBy(member).Length == 8)));
        Assert.All(_members, member => Assert.Equal(Enumerable.Range(0, 8), GotBy(member)));
        var written = _written.ToList();
        // The five events that waited reach each member back to back, so its socket can send them in one write.
        var run = written.Where(w => w.Message is >= 1 and <= 5).ToList();
        for (var k = 0; k < run.Count; k += 5)
        {
            Assert.Equal(Enumerable.Range(1, 5), run.Skip(k).Take(5).Select(w => w.Message));
            Assert.All(run.Skip(k).Take(5), w => Assert.Equal(run[k].Member, w.Member));
        }
        // The state goes to everyone after the events before it and before the event after it.
        Assert.True(written.FindLastIndex(w => w.Message == 5) < written.FindIndex(w => w.Message == 6));
        Assert.True(written.FindLastIndex(w => w.Message == 6) < written.FindIndex(w => w.Message == 7));
    }

    [Fact]
    public async Task ARunIsBoundedSoAMembersBufferHoldsIt()
    {
        _members = [.. Enumerable.Range(0, 20)];
        var sends = Sends();
        using var gate = new ManualResetEventSlim();
        var waiting = GroupSends.MaxRun + 8;
        await Task.Run(() =>
        {
            sends.Send(Message(0, gate, heldAt: 10), paced: true);
            for (var i = 1; i <= waiting; i++)
            {
                sends.Send(Message(i));
            }
        }).WaitAsync(Timeout);
        Assert.True(await Eventually.TrueAsync(() => GotBy(9).Length == 1), "the loop did not start");
        Assert.Equal(waiting, sends.Queued);

        gate.Set();
        Assert.True(await Eventually.TrueAsync(() => _members.All(member => GotBy(member).Length == waiting + 1)));
        Assert.All(_members, member => Assert.Equal(Enumerable.Range(0, waiting + 1), GotBy(member)));
        // Member 0 gets the first MaxRun of them in one go, then member 1 does; the rest come in a second run.
        var first = _written.Where(w => w.Message > 0).Take(GroupSends.MaxRun + 1).ToList();
        Assert.All(first.Take(GroupSends.MaxRun), w => Assert.Equal(0, w.Member));
        Assert.Equal(1, first[^1].Member);
    }
}
