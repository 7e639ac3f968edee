using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

using LiveCommunity.Server.Common;
using LiveCommunity.Server.Scaling;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Realtime;

/// <summary>
/// Delivers topic events to this instance's watchers itself, so that a stalled watcher is bounded and cut off
/// (DESIGN.md, reliability 5) and a Redis outage degrades to "each instance serves its own watchers" (3).
/// <para>
/// One instance (no Redis): wraps SignalR's default manager and writes every group message to the local members,
/// serialized once per message, and waits for none of them. A connection whose buffer stays full (more than
/// Limits:MaxPendingSends writes waiting, continuously for Limits:StalledSendTimeout, or sixteen times that many
/// at all) is aborted: a burst to a reader that keeps up passes, a reader that stopped costs bounded memory. The
/// cut-off client reconnects and resumes by seq.
/// </para>
/// <para>
/// With Redis: wraps the backplane (RedisHubLifetimeManager). The backplane sends every group message through
/// Redis pub/sub, even to connections on this instance, so without Redis nobody would get anything. This class
/// keeps its own record of which local connections are in which group, and:
/// </para>
/// <list type="bullet">
/// <item>while Redis is unreachable (or a publish fails), writes group messages straight to the local members;</item>
/// <item>never lets a Redis failure fail a connect or a group join (Watch keeps working during an outage);</item>
/// <item>re-subscribes groups whose Redis subscription failed during an outage once Redis is back, and until then
///   also delivers their messages locally, so no local member depends on a subscription that does not exist.</item>
/// </list>
/// Remote watchers miss what was sent while Redis was down; the next event's seq shows them the gap and they
/// replay from the database. A message may reach a local watcher twice around a recovery; clients drop repeated seqs.
/// <para>
/// A group lives while it has local members: the last one to leave drops it, so made-up or abandoned topic ids
/// leave nothing behind. A Watch result, which SignalR writes itself, is counted with the sends by
/// <see cref="CountPendingResult"/>.
/// </para>
/// </summary>
public sealed partial class LocalDeliveryHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly HubLifetimeManager<THub> _inner;
    private readonly RedisConnection? _redis;
    private readonly ILogger _logger;
    private readonly int _maxPendingSends;
    private readonly TimeSpan _stalledSendTimeout;
    private readonly ConcurrentDictionary<string, LocalConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalGroup> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unsubscribed = new(StringComparer.Ordinal);
    private readonly Timer? _healTimer;
    private readonly TimeProvider _time;
    private int _healing;

    /// <param name="redis">The backplane's connection; null on a single instance, where every delivery is local.</param>
    /// <param name="time">The clock of the stall timeout; the system clock by default.</param>
    public LocalDeliveryHubLifetimeManager(
        HubLifetimeManager<THub> inner, RedisConnection? redis, IOptions<LimitsOptions> limits, ILogger<LocalDeliveryHubLifetimeManager<THub>> logger,
        TimeProvider? time = null)
    {
        _inner = inner;
        _redis = redis;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _maxPendingSends = limits.Value.MaxPendingSends;
        _stalledSendTimeout = limits.Value.StalledSendTimeout;
        if (redis is not null)
        {
            // A group that lost its subscription is retried every couple of seconds until Redis takes it again.
            _healTimer = new Timer(_ => _ = HealAsync(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        }
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = new LocalConnection(connection);
        await TryRedisAsync(() => _inner.OnConnectedAsync(connection), "connect");
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out var local))
        {
            foreach (var group in local.Groups.Keys)
            {
                Leave(group, connection.ConnectionId);
            }
        }
        await TryRedisAsync(() => _inner.OnDisconnectedAsync(connection), "disconnect");
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(connectionId, out var local))
        {
            await _inner.AddToGroupAsync(connectionId, groupName, cancellationToken); // another instance's connection
            return;
        }
        local.Groups[groupName] = 0;
        Join(groupName, local);
        if (!await TryRedisAsync(() => _inner.AddToGroupAsync(connectionId, groupName, cancellationToken), "subscribe", cancellationToken))
        {
            _unsubscribed[groupName] = 0;
        }
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(connectionId, out var local))
        {
            await _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
            return;
        }
        local.Groups.TryRemove(groupName, out _);
        Leave(groupName, connectionId);
        await TryRedisAsync(() => _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken), "unsubscribe", cancellationToken);
    }

    private void Join(string groupName, LocalConnection local)
    {
        while (true)
        {
            var group = _groups.GetOrAdd(groupName, static _ => new LocalGroup());
            lock (group)
            {
                // Lost a race with the last member leaving, which dropped this group: take a fresh one.
                if (!group.Dropped)
                {
                    group.Members[local.Context.ConnectionId] = local;
                    return;
                }
            }
        }
    }

    /// <summary>Removes a member; the last one out drops the group, so an empty group costs nothing.</summary>
    private void Leave(string groupName, string connectionId)
    {
        if (!_groups.TryGetValue(groupName, out var group))
        {
            return;
        }
        lock (group)
        {
            if (group.Members.TryRemove(connectionId, out _) && group.Members.IsEmpty)
            {
                group.Dropped = true;
                _groups.TryRemove(new KeyValuePair<string, LocalGroup>(groupName, group));
            }
        }
    }

    /// <summary>Local groups (topics with a watcher on this instance); tests use it to see that none is left behind.</summary>
    internal int GroupCount => _groups.Count;

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendGroupCoreAsync(groupName, methodName, args, null, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) =>
        SendGroupCoreAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Task.WhenAll(groupNames.Select(group => SendGroupCoreAsync(group, methodName, args, null, cancellationToken)));

    private async Task SendGroupCoreAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string>? excluded, CancellationToken ct)
    {
        var viaRedis = _redis is { IsConnected: true } && await TryRedisAsync(
            () => excluded is null
                ? _inner.SendGroupAsync(groupName, methodName, args, ct)
                : _inner.SendGroupExceptAsync(groupName, methodName, args, excluded, ct),
            "publish", ct);
        // Through Redis, local members get it from this instance's own subscription, unless that is missing.
        if (!viaRedis || _unsubscribed.ContainsKey(groupName))
        {
            SendLocal(groupName, methodName, args, excluded);
        }
    }

    /// <summary>
    /// Writes one message, serialized once, to every local member without waiting for any of them. A member
    /// whose earlier writes still wait on its full buffer gets one more pending write; past the bound it is cut off.
    /// </summary>
    private void SendLocal(string groupName, string methodName, object?[] args, IReadOnlyList<string>? excluded)
    {
        if (!_groups.TryGetValue(groupName, out var group) || group.Members.IsEmpty)
        {
            return;
        }
        var members = group.Members;
        if (_redis is not null)
        {
            LogLocalDelivery(_logger, groupName, members.Count);
        }
        var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
        foreach (var (connectionId, local) in members)
        {
            if (excluded is not null && excluded.Contains(connectionId))
            {
                continue;
            }
            var write = local.Context.WriteAsync(message);
            if (write.IsCompletedSuccessfully)
            {
                continue;
            }
            AddPending(local, 1);
            _ = CompleteAsync(local, write);
        }
    }

    /// <summary>
    /// Counts sends waiting on a connection's full buffer and cuts the connection off past the bound: more than
    /// MaxPendingSends waiting continuously for StalledSendTimeout, or sixteen times that many at all.
    /// </summary>
    private void AddPending(LocalConnection local, int sends)
    {
        var pending = Interlocked.Add(ref local.PendingSends, sends);
        if (pending == sends)
        {
            Volatile.Write(ref local.PendingSince, _time.GetTimestamp());
        }
        CutOffIfStalled(local, pending);
    }

    private void CutOffIfStalled(LocalConnection local, int pending)
    {
        var stalled = pending > _maxPendingSends
            && (pending > 16 * _maxPendingSends || _time.GetElapsedTime(Volatile.Read(ref local.PendingSince)) > _stalledSendTimeout);
        if (stalled && Interlocked.Exchange(ref local.CutOff, 1) == 0)
        {
            LogSlowConsumerCutOff(_logger, local.Context.ConnectionId, pending);
            local.Context.Abort();
        }
    }

    /// <summary>
    /// Counts a hub method's result that SignalR is about to write to the connection (a Watch replay) with the
    /// connection's pending sends until the returned handle is disposed, after the write. It counts one send per
    /// event it carries, up to one more than the bound: live events that queue behind a result the client does
    /// not read add up with it, and a large result still unwritten after StalledSendTimeout cuts the connection
    /// off even when no live event comes; no result alone trips the immediate cut-off meant for floods of sends,
    /// so a slow reader that does take its replay keeps its connection. Null for a connection of another
    /// instance (a caller's own connection never is).
    /// </summary>
    public IDisposable? CountPendingResult(string connectionId, int events)
    {
        if (!_connections.TryGetValue(connectionId, out var local))
        {
            return null;
        }
        var sends = Math.Clamp(events, 1, _maxPendingSends + 1);
        var result = new PendingResult(local, sends);
        var pending = Interlocked.Add(ref local.PendingSends, sends);
        if (pending == sends)
        {
            Volatile.Write(ref local.PendingSince, _time.GetTimestamp());
        }
        if (pending > _maxPendingSends)
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
            await Task.Delay(_stalledSendTimeout + TimeSpan.FromMilliseconds(1), _time);
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

    /// <summary>
    /// Runs a backplane call; false (logged) where Redis refused it, so the caller can fall back. A cancellation
    /// counts as a refusal unless <paramref name="ct"/> asked for it: StackExchange.Redis cancels calls by itself when
    /// Redis does not answer (seen under CPU starvation), and that must fall back like any other failure.
    /// </summary>
    private async Task<bool> TryRedisAsync(Func<Task> call, string what, CancellationToken ct = default)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogRedisCallFailed(_logger, ex, what);
            return false;
        }
    }

    /// <summary>Re-subscribes groups whose subscription failed during an outage: leave and re-join their local members.</summary>
    private async Task HealAsync()
    {
        if (_unsubscribed.IsEmpty || _redis is not { IsConnected: true } || Interlocked.Exchange(ref _healing, 1) == 1)
        {
            return;
        }
        try
        {
            foreach (var group in _unsubscribed.Keys)
            {
                var members = _groups.TryGetValue(group, out var m) ? m.Members.Keys.ToArray() : [];
                var ok = true;
                foreach (var connectionId in members)
                {
                    ok &= await TryRedisAsync(() => _inner.RemoveFromGroupAsync(connectionId, group), "unsubscribe");
                }
                foreach (var connectionId in members)
                {
                    ok &= await TryRedisAsync(() => _inner.AddToGroupAsync(connectionId, group), "subscribe");
                }
                if (ok)
                {
                    _unsubscribed.TryRemove(group, out _);
                    LogGroupResubscribed(_logger, group, members.Length);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _healing, 0);
        }
    }

    // Everything else is the backplane's job, unchanged.
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _connections.TryGetValue(connectionId, out var local)
            ? local.Context.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask()
            : _inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Task.WhenAll(connectionIds.Select(id => SendConnectionAsync(id, methodName, args, cancellationToken)));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        _inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        _inner.TryGetReturnType(invocationId, out type);

    public void Dispose()
    {
        _healTimer?.Dispose();
        (_inner as IDisposable)?.Dispose();
    }

    private sealed class LocalGroup
    {
        public ConcurrentDictionary<string, LocalConnection> Members { get; } = new(StringComparer.Ordinal);
        public bool Dropped;
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

    private sealed class LocalConnection(HubConnectionContext context)
    {
        public HubConnectionContext Context { get; } = context;
        public ConcurrentDictionary<string, byte> Groups { get; } = new(StringComparer.Ordinal);
        public int PendingSends;
        public long PendingSince;
        public int CutOff;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug,
        Message = "Redis {What} failed; serving this instance's connections directly")]
    private static partial void LogRedisCallFailed(ILogger logger, Exception ex, string what);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Delivered to {Count} local members of {Group} without Redis")]
    private static partial void LogLocalDelivery(ILogger logger, string group, int count);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} stopped reading ({Pending} sends waiting on its full buffer); cut off, it resumes by seq")]
    private static partial void LogSlowConsumerCutOff(ILogger logger, string connectionId, int pending);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "Re-subscribed group {Group} ({Count} local members) after a Redis outage")]
    private static partial void LogGroupResubscribed(ILogger logger, string group, int count);
}
