using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace LiveCommunity.Server.Scaling;

/// <summary>
/// Wraps the Redis backplane (RedisHubLifetimeManager) so that a Redis outage degrades to "each instance
/// serves its own watchers" (DESIGN.md, reliability 3). The backplane sends every group message through Redis
/// pub/sub, even to connections on this instance, so without Redis nobody would get anything. This class
/// keeps its own record of which local connections are in which group, and:
/// <list type="bullet">
/// <item>while Redis is unreachable (or a publish fails), writes group messages straight to the local members;</item>
/// <item>never lets a Redis failure fail a connect or a group join (Watch keeps working during an outage);</item>
/// <item>re-subscribes groups whose Redis subscription failed during an outage once Redis is back, and until then
///   also delivers their messages locally, so no local member depends on a subscription that does not exist.</item>
/// </list>
/// Remote watchers miss what was sent while Redis was down; the next event's seq shows them the gap and they
/// replay from the database. A message may reach a local watcher twice around a recovery; clients drop repeated seqs.
/// </summary>
public sealed partial class LocalFallbackHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly HubLifetimeManager<THub> _inner;
    private readonly RedisConnection _redis;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LocalConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubConnectionContext>> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unsubscribed = new(StringComparer.Ordinal);
    private readonly Timer _healTimer;
    private int _healing;

    public LocalFallbackHubLifetimeManager(HubLifetimeManager<THub> inner, RedisConnection redis, ILogger<LocalFallbackHubLifetimeManager<THub>> logger)
    {
        _inner = inner;
        _redis = redis;
        _logger = logger;
        // A group that lost its subscription is retried every couple of seconds until Redis takes it again.
        _healTimer = new Timer(_ => _ = HealAsync(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
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
                if (_groups.TryGetValue(group, out var members) && members.TryRemove(connection.ConnectionId, out _) && members.IsEmpty)
                {
                    _groups.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, HubConnectionContext>>(group, members));
                }
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
        _groups.GetOrAdd(groupName, static _ => new(StringComparer.Ordinal))[connectionId] = local.Context;
        if (!await TryRedisAsync(() => _inner.AddToGroupAsync(connectionId, groupName, cancellationToken), "subscribe"))
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
        if (_groups.TryGetValue(groupName, out var members))
        {
            members.TryRemove(connectionId, out _);
        }
        await TryRedisAsync(() => _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken), "unsubscribe");
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
        var viaRedis = _redis.IsConnected && await TryRedisAsync(
            () => excluded is null
                ? _inner.SendGroupAsync(groupName, methodName, args, ct)
                : _inner.SendGroupExceptAsync(groupName, methodName, args, excluded, ct),
            "publish");
        // Through Redis, local members get it from this instance's own subscription, unless that is missing.
        if (!viaRedis || _unsubscribed.ContainsKey(groupName))
        {
            await SendLocalAsync(groupName, methodName, args, excluded, ct);
        }
    }

    private async Task SendLocalAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string>? excluded, CancellationToken ct)
    {
        if (!_groups.TryGetValue(groupName, out var members) || members.IsEmpty)
        {
            return;
        }
        LogLocalDelivery(_logger, groupName, members.Count);
        var message = new InvocationMessage(methodName, args);
        var writes = new List<Task>(members.Count);
        foreach (var (connectionId, connection) in members)
        {
            if (excluded is null || !excluded.Contains(connectionId))
            {
                writes.Add(connection.WriteAsync(message, ct).AsTask());
            }
        }
        await Task.WhenAll(writes);
    }

    /// <summary>Runs a backplane call; false (logged) where Redis refused it, so the caller can fall back.</summary>
    private async Task<bool> TryRedisAsync(Func<Task> call, string what)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRedisCallFailed(_logger, ex, what);
            return false;
        }
    }

    /// <summary>Re-subscribes groups whose subscription failed during an outage: leave and re-join their local members.</summary>
    private async Task HealAsync()
    {
        if (_unsubscribed.IsEmpty || !_redis.IsConnected || Interlocked.Exchange(ref _healing, 1) == 1)
        {
            return;
        }
        try
        {
            foreach (var group in _unsubscribed.Keys)
            {
                var members = _groups.TryGetValue(group, out var m) ? m.Keys.ToArray() : [];
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
        _healTimer.Dispose();
        (_inner as IDisposable)?.Dispose();
    }

    private sealed record LocalConnection(HubConnectionContext Context)
    {
        public ConcurrentDictionary<string, byte> Groups { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug,
        Message = "Redis {What} failed; serving this instance's connections directly")]
    private static partial void LogRedisCallFailed(ILogger logger, Exception ex, string what);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Delivered to {Count} local members of {Group} without Redis")]
    private static partial void LogLocalDelivery(ILogger logger, string group, int count);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "Re-subscribed group {Group} ({Count} local members) after a Redis outage")]
    private static partial void LogGroupResubscribed(ILogger logger, string group, int count);
}
