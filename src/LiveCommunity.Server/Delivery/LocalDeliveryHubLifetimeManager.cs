using System.Collections.Concurrent;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery.Internal;
using LiveCommunity.Server.Scaling;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Delivers to this instance's connections through a bound per connection, so a stalled reader is cut off and
/// delays nobody (DESIGN.md, reliability 5), on one instance and through the Redis backplane alike; and keeps
/// local watchers served through a Redis outage (3).
/// <para>
/// One instance (no Redis): group, user and all-connection messages are written by this class to the local
/// connections, serialized once, and waited for by nobody (<see cref="SendBound"/>). The inner manager only knows the
/// connections for what this class leaves to it (client results); it holds no groups and no proxies, which would
/// cost each connection a second <see cref="HubConnectionContext"/> (about 2 KB, measured in bench/findings.md).
/// </para>
/// <para>
/// With Redis: wraps the backplane (RedisHubLifetimeManager), which sends every group message through Redis
/// pub/sub, even to connections on this instance. The backplane knows each local connection as a
/// <see cref="DeliveryProxy"/> whose writes go through the same bound, so its subscription handler never waits on a
/// member. This class also keeps its own record of which local connections are in which group, and:
/// </para>
/// <list type="bullet">
/// <item>while Redis is unreachable (or a publish fails), writes group messages straight to the local members;</item>
/// <item>never lets a Redis failure fail a connect or a group join (Watch keeps working during an outage);</item>
/// <item>re-subscribes groups whose subscription failed once Redis is back, delivering their messages locally
///   meanwhile, and reports who may have missed messages (<see cref="Missed"/>) so they can be told to catch up.</item>
/// </list>
/// A message may reach a local watcher twice around a recovery; clients drop repeated seqs. A Watch result, which
/// SignalR writes itself, is counted with the sends by <see cref="CountPendingResult"/>.
/// </summary>
public sealed class LocalDeliveryHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly HubLifetimeManager<THub> _inner;
    private readonly RedisConnection? _redis;
    private readonly ILogger _logger;
    private readonly SendBound _bound;
    private readonly LocalGroups _groups = new();
    private readonly LocalUsers _users = new(); // one instance only: with Redis, the backplane finds users
    private readonly ConcurrentDictionary<string, LocalConnection> _connections = new(StringComparer.Ordinal);
    private readonly BackplaneHealer<THub>? _healer;

    /// <param name="redis">The backplane's connection; null on a single instance, where every delivery is local.</param>
    /// <param name="time">The clock of the stall timeout and the backplane's healing; the system clock by default.</param>
    public LocalDeliveryHubLifetimeManager(
        HubLifetimeManager<THub> inner, RedisConnection? redis, IOptions<LimitsOptions> limits, ILogger<LocalDeliveryHubLifetimeManager<THub>> logger,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        (_inner, _redis, _logger) = (inner, redis, logger);
        _bound = new SendBound(limits.Value.MaxPendingSends, limits.Value.StalledSendTimeout, time, logger);
        if (redis is not null)
        {
            _healer = new BackplaneHealer<THub>(inner, redis, _groups, (groups, gap) => Missed?.Invoke(groups, gap), time, logger);
        }
    }

    /// <summary>
    /// Groups whose members may have missed messages, once the backplane works again: this instance's members after
    /// an outage, or other instances' members after a publish from here failed. Raised on a timer thread.
    /// </summary>
    public event Action<IReadOnlyList<string>, DeliveryGap>? Missed;

    /// <summary>Groups with a member on this instance now.</summary>
    public IReadOnlyList<string> LocalGroupNames => _groups.Names;

    /// <summary>Local groups (topics with a watcher on this instance); tests use it to see that none is left behind.</summary>
    internal int GroupCount => _groups.Count;

    /// <summary>Whether a connection is open on this instance (tests see a cut-off this way).</summary>
    internal bool HasConnection(string connectionId) => _connections.ContainsKey(connectionId);

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        var local = new LocalConnection(connection);
        _connections[connection.ConnectionId] = local;
        if (_redis is null)
        {
            if (connection.UserIdentifier is { } user)
            {
                _users.Add(user, local);
            }
            await _inner.OnConnectedAsync(connection);
            return;
        }
        local.Proxy = new DeliveryProxy(local, _bound);
        await TryRedisAsync(() => _inner.OnConnectedAsync(local.Proxy), "connect");
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out var local))
        {
            foreach (var group in local.Groups)
            {
                _groups.Leave(group, connection.ConnectionId);
            }
            if (_redis is null && connection.UserIdentifier is { } user)
            {
                _users.Remove(user, local);
            }
            await TryRedisAsync(() => _inner.OnDisconnectedAsync(local.Proxy ?? connection), "disconnect");
        }
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(connectionId, out var local))
        {
            await _inner.AddToGroupAsync(connectionId, groupName, cancellationToken); // another instance's connection
            return;
        }
        local.Joined(groupName);
        _groups.Join(groupName, local);
        if (_redis is null)
        {
            return;
        }
        if (!await TryRedisAsync(() => _inner.AddToGroupAsync(connectionId, groupName, cancellationToken), "subscribe", cancellationToken))
        {
            _healer?.SubscribeFailed(groupName);
        }
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(connectionId, out var local))
        {
            await _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
            return;
        }
        local.Left(groupName);
        _groups.Leave(groupName, connectionId);
        if (_redis is null)
        {
            return;
        }
        await TryRedisAsync(() => _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken), "unsubscribe", cancellationToken);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendGroupCoreAsync(groupName, methodName, args, null, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) =>
        SendGroupCoreAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Task.WhenAll(groupNames.Select(group => SendGroupCoreAsync(group, methodName, args, null, cancellationToken)));

    private async Task SendGroupCoreAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string>? excluded, CancellationToken ct)
    {
        if (_redis is null)
        {
            SendLocal(groupName, methodName, args, excluded);
            return;
        }
        var viaRedis = _redis.IsConnected && await TryRedisAsync(
            () => excluded is null
                ? _inner.SendGroupAsync(groupName, methodName, args, ct)
                : _inner.SendGroupExceptAsync(groupName, methodName, args, excluded, ct),
            "publish", ct);
        if (!viaRedis)
        {
            _healer!.PublishFailed(groupName);
        }
        // Through Redis, local members get it from this instance's own subscription, unless that is missing.
        if (!viaRedis || _healer!.IsUnsubscribed(groupName))
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var members = _groups.MembersOf(groupName).Count;
                DeliveryLog.LocalDelivery(_logger, groupName, members);
            }
            SendLocal(groupName, methodName, args, excluded);
        }
    }

    /// <summary>
    /// Writes one message, serialized once, to this instance's members of a group only, through the send bound
    /// (never waits on a member), after every message sent to the group before it: by the caller for a small group,
    /// else by the group's loop (<see cref="GroupSends{TMember}"/>). For the one-instance path, and for what
    /// concerns each instance's own members alone, such as a heartbeat.
    /// </summary>
    /// <param name="paced">State without seq (presence, a topic's last seq): written to a big group a slice at a
    /// time with a turn of the thread pool between slices, so the loop does not hold a Kestrel block per member at
    /// once (bench/findings.md); events with seq go in one go.</param>
    public void SendLocal(string groupName, string methodName, object?[] args, IReadOnlyList<string>? excluded = null, bool paced = false)
    {
        if (_groups.SendsOf(groupName) is not { } sends)
        {
            return;
        }
        var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
        if (excluded is null)
        {
            sends.Send(member => _bound.Deliver(member, message), paced);
        }
        else
        {
            sends.Send(member =>
            {
                if (!excluded.Contains(member.Context.ConnectionId))
                {
                    _bound.Deliver(member, message);
                }
            }, paced);
        }
    }

    /// <summary>
    /// A message without seq to a group's members everywhere: on one instance paced, in order with the group's
    /// events (<see cref="SendLocal"/>); through the backplane with Redis, whose subscription writes to each
    /// instance's members itself.
    /// </summary>
    public Task SendGroupPacedAsync(string groupName, string methodName, object?[] args)
    {
        if (_redis is not null)
        {
            return SendGroupCoreAsync(groupName, methodName, args, null, CancellationToken.None);
        }
        SendLocal(groupName, methodName, args, paced: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes once this instance's queue of sends to the group has room (<see cref="GroupSends{TMember}.RoomAsync"/>):
    /// a topic's write pipeline waits here after publishing, so a group whose fan-out falls behind holds its writes back.
    /// </summary>
    public Task RoomAsync(string groupName) => _groups.SendsOf(groupName)?.RoomAsync() ?? Task.CompletedTask;

    /// <summary>
    /// Counts a hub method's result that SignalR is about to write (a Watch replay) with the connection's pending
    /// sends until the returned handle is disposed (see <see cref="SendBound.CountPendingResult"/>). Null for a
    /// connection of another instance (a caller's own connection never is).
    /// </summary>
    public IDisposable? CountPendingResult(string connectionId, int events) =>
        _connections.TryGetValue(connectionId, out var local) ? _bound.CountPendingResult(local, events) : null;

    private Task<bool> TryRedisAsync(Func<Task> call, string what, CancellationToken ct = default) =>
        Backplane.TryAsync(call, what, _logger, ct);

    // Everything else is the backplane's job, unchanged: it reaches local connections through their proxies. On
    // one instance, sends to all or to users go through the bound here instead.
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis is null
            ? Deliver(_connections.Values, methodName, args)
            : _inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _redis is null
            ? Deliver(_connections.Values, methodName, args, excludedConnectionIds)
            : _inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _connections.TryGetValue(connectionId, out var local)
            ? local.Context.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask()
            : _inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Task.WhenAll(connectionIds.Select(id => SendConnectionAsync(id, methodName, args, cancellationToken)));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis is null
            ? Deliver(_users.Of(userId), methodName, args)
            : _inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis is null
            ? Deliver(userIds.Distinct(StringComparer.Ordinal).SelectMany(_users.Of), methodName, args)
            : _inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    /// <summary>
    /// Writes one message, serialized once and only if someone gets it, to these local connections, through the
    /// send bound: never waits on any of them.
    /// </summary>
    private Task Deliver(IEnumerable<LocalConnection> targets, string methodName, object?[] args, IReadOnlyList<string>? excluded = null)
    {
        SerializedHubMessage? message = null;
        foreach (var local in targets)
        {
            if (excluded is null || !excluded.Contains(local.Context.ConnectionId))
            {
                message ??= new SerializedHubMessage(new InvocationMessage(methodName, args));
                _bound.Deliver(local, message);
            }
        }
        return Task.CompletedTask;
    }

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        _inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        _inner.TryGetReturnType(invocationId, out type);

    public void Dispose()
    {
        _healer?.Dispose();
        (_inner as IDisposable)?.Dispose();
    }
}

/// <summary>Who may have missed a group's messages (<see cref="LocalDeliveryHubLifetimeManager{THub}.Missed"/>).</summary>
public enum DeliveryGap
{
    /// <summary>This instance's members: the backplane was down, so what other instances sent did not reach them.</summary>
    LocalMembers,

    /// <summary>Other instances' members: a publish from this instance failed (its own members got it).</summary>
    OtherInstances,
}
