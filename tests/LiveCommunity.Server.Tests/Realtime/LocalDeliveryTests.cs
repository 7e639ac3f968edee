using System.Buffers;
using System.IO.Pipelines;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Delivery.Internal;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>
/// The delivery bound on real SignalR connection objects whose transport side is never read (a reader that
/// stopped): its writes pile up, and past the bound it is aborted while the reading member gets everything.
/// </summary>
public sealed class LocalDeliveryTests
{
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AConnectionThatStopsReadingIsCutOffWhileOthersKeepReceiving()
    {
        var manager = OneInstance();
        var (stalled, _) = Connect("stalled");
        var (reading, readingPipe) = Connect("reading");
        foreach (var connection in new[] { stalled, reading })
        {
            await manager.OnConnectedAsync(connection);
            await manager.AddToGroupAsync(connection.ConnectionId, "topic:t");
        }
        var received = 0;
        var reader = Task.Run(async () =>
        {
            while (true)
            {
                var result = await readingPipe.Input.ReadAsync();
                received += result.Buffer.ToArray().Count(b => b == 0x1e);
                readingPipe.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        });

        var payload = new string('x', 20_000);
        // 800 KB in two bursts, far past the 64 KB a pipe holds before it pushes back. The reader drains each
        // burst; the stalled connection still has the first burst waiting when the second comes.
        for (var i = 0; i < 40; i++)
        {
            await manager.SendGroupAsync("topic:t", "ReplyPosted", [new { seq = i, body = payload }]);
            if (i == 19)
            {
                // The reader has all of the first burst; the stalled connection has been full for the whole timeout.
                await Eventually.TrueAsync(() => Volatile.Read(ref received) >= 20);
                await Task.Delay(StallTimeout + TimeSpan.FromMilliseconds(200));
            }
        }

        // Abort signals on the thread pool: give it a moment.
        Assert.True(await Eventually.TrueAsync(() => stalled.ConnectionAborted.IsCancellationRequested), "the stalled connection was not cut off");
        await Eventually.TrueAsync(() => Volatile.Read(ref received) >= 40);
        Assert.True(40 == Volatile.Read(ref received), $"received {received}, reading aborted: {reading.ConnectionAborted.IsCancellationRequested}");
        Assert.False(reading.ConnectionAborted.IsCancellationRequested);
        readingPipe.Input.Complete();
        _ = reader;
    }

    [Fact]
    public async Task AResultLeftUnreadPastTheTimeoutCutsOffItsConnectionAndOneTakenInTimeDoesNot()
    {
        var time = new FakeTimeProvider();
        var manager = OneInstance(time);
        var (stalled, _) = Connect("stalled");
        var (reading, _) = Connect("reading");
        var (small, _) = Connect("small");
        foreach (var connection in new[] { stalled, reading, small })
        {
            await manager.OnConnectedAsync(connection);
        }

        // A 100-event replay for each; one client takes it in time, the other never does.
        var unread = manager.CountPendingResult("stalled", 100);
        var read = manager.CountPendingResult("reading", 100);
        // A replay within the bound counts too, but alone it never cuts a connection off.
        var within = manager.CountPendingResult("small", 2);
        Assert.NotNull(unread);
        read!.Dispose();
        time.Advance(StallTimeout + TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(() => stalled.ConnectionAborted.IsCancellationRequested), "the connection that left its result unread was not cut off");
        Assert.False(reading.ConnectionAborted.IsCancellationRequested);
        Assert.False(small.ConnectionAborted.IsCancellationRequested);
        unread!.Dispose();
        within!.Dispose();
    }

    [Fact]
    public async Task OnOneInstanceMessagesToAUserOrToEveryoneNeverWaitOnAConnectionThatStoppedReading()
    {
        var manager = OneInstance();
        // One reader on two devices, one of which stopped reading, and another reader.
        var stalled = new PipeConnection("stalled", "u1");
        var reading = new PipeConnection("reading", "u1");
        var other = new PipeConnection("other", "u2");
        foreach (var connection in new[] { stalled, reading, other })
        {
            await manager.OnConnectedAsync(connection.Context);
        }
        var readers = new[] { reading.StartReading(), other.StartReading() };

        var payload = new string('x', 20_000);
        // 800 KB to the user, far past the 64 KB a pipe holds before it pushes back: no send waits for the stalled
        // device, which is cut off past the bound, while the user's other device gets every message.
        for (var i = 0; i < 40; i++)
        {
            var send = manager.SendUserAsync("u1", "NotificationCreated", [new { i, body = payload }]);
            Assert.True(send.IsCompleted, $"send {i} to the user waited");
            if (i == 19)
            {
                await Task.Delay(StallTimeout + TimeSpan.FromMilliseconds(200));
            }
        }
        Assert.True(manager.SendAllAsync("Hello", [payload]).IsCompleted, "a send to everyone waited");

        Assert.True(await Eventually.TrueAsync(() => stalled.Context.ConnectionAborted.IsCancellationRequested), "the stalled device was not cut off");
        Assert.True(await Eventually.TrueAsync(() => reading.Received == 41), $"the reading device got {reading.Received} of 41");
        Assert.True(await Eventually.TrueAsync(() => other.Received == 1), $"the other reader got {other.Received} of 1 (only the send to everyone)");
        Assert.False(reading.Context.ConnectionAborted.IsCancellationRequested);

        // Once a device disconnects, sends to its user no longer reach it; the user's other device still hears.
        await manager.OnDisconnectedAsync(stalled.Context);
        // A user named twice gets it once: the send to everyone after it comes through the same pipe, so a
        // duplicate would have arrived before it.
        await manager.SendUsersAsync(["u1", "u1", "nobody"], "NotificationCreated", [new { i = 40 }]);
        await manager.SendAllAsync("Hello", ["after"]);
        Assert.True(await Eventually.TrueAsync(() => other.Received == 2), $"the other reader got {other.Received} of 2");
        Assert.True(await Eventually.TrueAsync(() => reading.Received >= 43), $"the reading device got {reading.Received} of 43");
        Assert.Equal(43, reading.Received);
        _ = readers;
    }

    [Fact]
    public async Task APacedSendReachesEveryMemberOfAGroupOfManySlicesOnceAndWaitsForNoReader()
    {
        var manager = OneInstance();
        var members = Enumerable.Range(0, 3 * GroupSends.Slice + 5)
            .Select(i => new PipeConnection($"c{i}")).ToList();
        var stalled = new PipeConnection("stalled"); // in the group, never read
        var outsider = new PipeConnection("outsider"); // connected, in no group
        foreach (var connection in members.Append(stalled))
        {
            await manager.OnConnectedAsync(connection.Context);
            await manager.AddToGroupAsync(connection.Context.ConnectionId, "topic:t");
        }
        await manager.OnConnectedAsync(outsider.Context);
        var readers = members.Append(outsider).Select(connection => connection.StartReading()).ToList();

        // 100 KB to each member: the stalled one's pipe fills and pushes back, and the send still finishes.
        var payload = new string('x', 20_000);
        for (var i = 0; i < 5; i++)
        {
            manager.SendLocal("topic:t", "PresenceChanged", [new { i, payload }], paced: true);
        }

        Assert.True(await Eventually.TrueAsync(() => members.All(member => member.Received >= 5)),
            $"{members.Count(member => member.Received < 5)} of {members.Count} members missed a message");
        await manager.SendAllAsync("Hello", ["after"]); // through the same pipes: a repeated message would be read before it
        Assert.True(await Eventually.TrueAsync(() => members.All(member => member.Received >= 6)));
        Assert.All(members, member => Assert.Equal(6, member.Received));
        Assert.True(await Eventually.TrueAsync(() => outsider.Received == 1));
        Assert.Equal(1, outsider.Received);
        _ = readers;
    }

    [Fact]
    public async Task EventsToABigGroupReachEveryMemberOnceInTheOrderSentWithTheStateSentBetweenThem()
    {
        var manager = OneInstance();
        var members = Enumerable.Range(0, 2 * GroupSends.InlineMembers + 20).Select(i => new PipeConnection($"c{i}")).ToList();
        foreach (var connection in members)
        {
            await manager.OnConnectedAsync(connection.Context);
            await manager.AddToGroupAsync(connection.Context.ConnectionId, "topic:t");
        }
        var readers = members.Select(connection => connection.StartReading()).ToList();
        var excluded = members[7].Context.ConnectionId;

        // Events with seq, the group's state between them (a heartbeat), and some sent to all but one member:
        // every send returns at once, and the group's loop writes them in the order sent.
        var expected = new List<string>();
        var expectedByExcluded = new List<string>();
        for (var seq = 1; seq <= 60; seq++)
        {
            var send = seq % 5 == 0
                ? manager.SendGroupExceptAsync("topic:t", "ReplyPosted", [new { seq }], [excluded])
                : manager.SendGroupAsync("topic:t", "ReplyPosted", [new { seq }]);
            Assert.True(send.IsCompleted, $"the send of seq {seq} waited");
            expected.Add($"ReplyPosted {seq}");
            if (seq % 5 != 0)
            {
                expectedByExcluded.Add($"ReplyPosted {seq}");
            }
            if (seq % 10 == 0)
            {
                await manager.SendGroupPacedAsync("topic:t", "TopicSeq", [new { seq }]);
                expected.Add($"TopicSeq {seq}");
                expectedByExcluded.Add($"TopicSeq {seq}");
            }
        }

        static string Read(string record)
        {
            var message = System.Text.Json.JsonDocument.Parse(record).RootElement;
            return $"{message.GetProperty("target").GetString()} {message.GetProperty("arguments")[0].GetProperty("seq").GetInt32()}";
        }
        List<string> Expected(PipeConnection member) => member == members[7] ? expectedByExcluded : expected;
        Assert.True(await Eventually.TrueAsync(() => members.All(m => m.Received >= Expected(m).Count)),
            $"{members.Count(m => m.Received < Expected(m).Count)} members are missing messages");
        await Task.Delay(100); // a message sent twice would be read by now
        Assert.All(members, member => Assert.Equal(Expected(member), member.Records.Select(Read)));
        _ = readers;
    }

    /// <summary>The manager as one instance runs it (no Redis), with a bound of 3 pending sends.</summary>
    private static LocalDeliveryHubLifetimeManager<DiscussionHub> OneInstance(TimeProvider? time = null) => new(
        new DefaultHubLifetimeManager<DiscussionHub>(NullLogger<DefaultHubLifetimeManager<DiscussionHub>>.Instance),
        redis: null,
        Options.Create(new LimitsOptions { MaxPendingSends = 3, StalledSendTimeout = StallTimeout }),
        NullLogger<LocalDeliveryHubLifetimeManager<DiscussionHub>>.Instance,
        time);

    private static (HubConnectionContext Connection, IDuplexPipe Transport) Connect(string id)
    {
        var connection = new PipeConnection(id);
        return (connection.Context, connection.Application);
    }
}
