using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>A connection of this instance, with the sends that wait on its full buffer.</summary>
internal sealed class LocalConnection(HubConnectionContext context)
{
    public HubConnectionContext Context { get; } = context;

    /// <summary>What the backplane knows this connection as (<see cref="DeliveryProxy"/>); null on one instance, without a backplane.</summary>
    public HubConnectionContext? Proxy { get; set; }

    // A connection is in few groups (its watches are bounded), so an array replaced on change: about 40 bytes
    // where a concurrent dictionary took about 550, held by every connection for its whole life.
    private readonly Lock _gate = new();
    private string[] _groups = [];

    /// <summary>The groups this connection is in here, as of now.</summary>
    public string[] Groups => Volatile.Read(ref _groups);

    public void Joined(string group)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_groups, group) < 0)
            {
                Volatile.Write(ref _groups, [.. _groups, group]);
            }
        }
    }

    public void Left(string group)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_groups, group) >= 0)
            {
                Volatile.Write(ref _groups, Array.FindAll(_groups, g => g != group));
            }
        }
    }

    public int PendingSends;
    public long PendingSince;
    public int CutOff;
}

/// <summary>
/// The per-connection send bound (DESIGN.md, reliability 5). A write is started and never waited for; a connection
/// whose writes keep waiting on its full buffer (more than Limits:MaxPendingSends, continuously for
/// Limits:StalledSendTimeout, or sixteen times that many at all) is aborted: a burst to a reader that keeps up
/// passes, a reader that stopped costs bounded memory and delays nobody. The cut-off client resumes by seq.
/// </summary>
internal sealed class SendBound(int maxPendingSends, TimeSpan stalledSendTimeout, TimeProvider time, ILogger logger)
{
    /// <summary>Writes one serialized message to a connection without waiting for it.</summary>
    public void Deliver(LocalConnection local, SerializedHubMessage message)
    {
        ValueTask write;
        try
        {
            write = local.Context.WriteAsync(message);
        }
        catch (Exception)
        {
            return; // the connection is gone; its client resumes by seq
        }
        if (write.IsCompletedSuccessfully)
        {
            return;
        }
        AddPending(local, 1);
        _ = CompleteAsync(local, write);
    }

    private void AddPending(LocalConnection local, int sends)
    {
        var pending = Interlocked.Add(ref local.PendingSends, sends);
        if (pending == sends)
        {
            Volatile.Write(ref local.PendingSince, time.GetTimestamp());
        }
        CutOffIfStalled(local, pending);
    }

    private void CutOffIfStalled(LocalConnection local, int pending)
    {
        var stalled = pending > maxPendingSends
            && (pending > 16 * maxPendingSends || time.GetElapsedTime(Volatile.Read(ref local.PendingSince)) > stalledSendTimeout);
        if (stalled && Interlocked.Exchange(ref local.CutOff, 1) == 0)
        {
            DeliveryLog.SlowConsumerCutOff(logger, local.Context.ConnectionId, pending);
            local.Context.Abort();
        }
    }

    /// <summary>
    /// Counts a hub method's result that SignalR is about to write (a Watch replay) with the connection's pending
    /// sends until the returned handle is disposed. It counts one send per event it carries, up to one more than
    /// the bound: live events that queue behind an unread result add up with it, and a large result still unwritten
    /// after StalledSendTimeout cuts the connection off even when no live event comes; no result alone trips the
    /// immediate cut-off meant for floods of sends, so a slow reader that does take its replay keeps its connection.
    /// </summary>
    public IDisposable CountPendingResult(LocalConnection local, int events)
    {
        var sends = Math.Clamp(events, 1, maxPendingSends + 1);
        var result = new PendingResult(local, sends);
        var pending = Interlocked.Add(ref local.PendingSends, sends);
        if (pending == sends)
        {
            Volatile.Write(ref local.PendingSince, time.GetTimestamp());
        }
        if (pending > maxPendingSends)
        {
            _ = CheckStalledLaterAsync(result);
        }
        return result;
    }

    private async Task CheckStalledLaterAsync(PendingResult result)
    {
        try
        {
            // Just past the timeout, measured from when the connection's oldest pending send started waiting.
            await Task.Delay(stalledSendTimeout + TimeSpan.FromMilliseconds(1), time);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        if (!result.Released)
        {
            CutOffIfStalled(result.Connection, Volatile.Read(ref result.Connection.PendingSends));
        }
    }

    private static async Task CompleteAsync(LocalConnection local, ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception)
        {
            // The connection is gone or aborted; its client resumes by seq.
        }
        finally
        {
            Interlocked.Decrement(ref local.PendingSends);
        }
    }

    private sealed class PendingResult(LocalConnection connection, int sends) : IDisposable
    {
        private int _released;

        public LocalConnection Connection => connection;
        public bool Released => Volatile.Read(ref _released) == 1;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Add(ref connection.PendingSends, -sends);
            }
        }
    }
}
