using System.Buffers;
using System.IO.Pipelines;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
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
        var manager = new LocalDeliveryHubLifetimeManager<DiscussionHub>(
            new DefaultHubLifetimeManager<DiscussionHub>(NullLogger<DefaultHubLifetimeManager<DiscussionHub>>.Instance),
            redis: null,
            Options.Create(new LimitsOptions { MaxPendingSends = 3, StalledSendTimeout = StallTimeout }),
            NullLogger<LocalDeliveryHubLifetimeManager<DiscussionHub>>.Instance);
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
        var manager = new LocalDeliveryHubLifetimeManager<DiscussionHub>(
            new DefaultHubLifetimeManager<DiscussionHub>(NullLogger<DefaultHubLifetimeManager<DiscussionHub>>.Instance),
            redis: null,
            Options.Create(new LimitsOptions { MaxPendingSends = 3, StalledSendTimeout = StallTimeout }),
            NullLogger<LocalDeliveryHubLifetimeManager<DiscussionHub>>.Instance,
            time);
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

    private static (HubConnectionContext Connection, IDuplexPipe Transport) Connect(string id)
    {
        var connection = new PipeConnection(id);
        return (connection.Context, connection.Application);
    }
}
