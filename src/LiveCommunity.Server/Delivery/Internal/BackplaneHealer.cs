using System.Collections.Concurrent;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Scaling;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>
/// What a Redis outage leaves behind, dealt with every couple of seconds once Redis answers again:
/// <list type="bullet">
/// <item>groups whose subscription failed are re-subscribed (until then their messages are also delivered locally);</item>
/// <item>after an outage, every group with local members is reported (<see cref="DeliveryGap.LocalMembers"/>): they
///   missed what other instances sent meanwhile;</item>
/// <item>groups whose publish failed are reported (<see cref="DeliveryGap.OtherInstances"/>): other instances'
///   members missed it.</item>
/// </list>
/// The report comes one tick after Redis is reachable again, so the backplane has re-subscribed its channels first.
/// </summary>
internal sealed class BackplaneHealer<THub> : IDisposable where THub : Hub
{
    /// <summary>Groups remembered as missed by other instances; past this, the seq heartbeat covers the rest.</summary>
    private const int MaxMissedElsewhere = 10_000;

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    private readonly HubLifetimeManager<THub> _inner;
    private readonly RedisConnection _redis;
    private readonly LocalGroups _groups;
    private readonly Action<IReadOnlyList<string>, DeliveryGap> _report;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _unsubscribed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _missedElsewhere = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private int _healing;

    // 0: no outage; 1: an outage seen (a failure, or Redis not reachable at a tick); 2: reachable for one tick.
    private int _outage;

    public BackplaneHealer(HubLifetimeManager<THub> inner, RedisConnection redis, LocalGroups groups,
        Action<IReadOnlyList<string>, DeliveryGap> report, TimeProvider time, ILogger logger)
    {
        (_inner, _redis, _groups, _report, _logger) = (inner, redis, groups, report, logger);
        redis.Multiplexer.ConnectionFailed += OnConnectionFailed;
        _timer = time.CreateTimer(_ => _ = TickAsync(), null, Tick, Tick);
    }

    public bool IsUnsubscribed(string groupName) => _unsubscribed.ContainsKey(groupName);

    public void SubscribeFailed(string groupName) => _unsubscribed[groupName] = 0;

    public void PublishFailed(string groupName)
    {
        if (_missedElsewhere.Count < MaxMissedElsewhere)
        {
            _missedElsewhere[groupName] = 0;
        }
    }

    private void OnConnectionFailed(object? sender, StackExchange.Redis.ConnectionFailedEventArgs e) => Volatile.Write(ref _outage, 1);

    private async Task TickAsync()
    {
        if (!_redis.IsConnected)
        {
            Volatile.Write(ref _outage, 1);
            return;
        }
        if (Interlocked.Exchange(ref _healing, 1) == 1)
        {
            return;
        }
        try
        {
            await ResubscribeAsync();
            ReportGaps();
        }
        finally
        {
            Volatile.Write(ref _healing, 0);
        }
    }

    private void ReportGaps()
    {
        var outage = Volatile.Read(ref _outage);
        if (outage == 1)
        {
            Interlocked.CompareExchange(ref _outage, 2, 1); // reachable again: report at the next tick
        }
        else if (outage == 2 && Interlocked.CompareExchange(ref _outage, 0, 2) == 2 && _groups.Names is { Count: > 0 } local)
        {
            // Reachable for a second tick: the backplane's channels are back, what is sent from now on arrives.
            _report(local, DeliveryGap.LocalMembers);
        }
        if (!_missedElsewhere.IsEmpty)
        {
            var missed = _missedElsewhere.Keys.ToArray();
            foreach (var group in missed)
            {
                _missedElsewhere.TryRemove(group, out _);
            }
            _report(missed, DeliveryGap.OtherInstances);
        }
    }

    /// <summary>Re-subscribes groups whose subscription failed during an outage: leave and re-join their local members.</summary>
    private async Task ResubscribeAsync()
    {
        foreach (var group in _unsubscribed.Keys)
        {
            var members = _groups.MembersOf(group).Select(m => m.Key).ToArray();
            var ok = true;
            foreach (var connectionId in members)
            {
                ok &= await Backplane.TryAsync(() => _inner.RemoveFromGroupAsync(connectionId, group), "unsubscribe", _logger);
            }
            foreach (var connectionId in members)
            {
                ok &= await Backplane.TryAsync(() => _inner.AddToGroupAsync(connectionId, group), "subscribe", _logger);
            }
            if (ok)
            {
                _unsubscribed.TryRemove(group, out _);
                DeliveryLog.GroupResubscribed(_logger, group, members.Length);
            }
        }
    }

    public void Dispose()
    {
        _redis.Multiplexer.ConnectionFailed -= OnConnectionFailed;
        _timer.Dispose();
    }
}

internal static class Backplane
{
    /// <summary>
    /// Runs a backplane call; false (logged) where Redis refused it, so the caller can fall back. A cancellation
    /// counts as a refusal unless <paramref name="ct"/> asked for it: StackExchange.Redis cancels calls by itself
    /// when Redis does not answer (seen under CPU starvation), and that must fall back like any other failure.
    /// </summary>
    public static async Task<bool> TryAsync(Func<Task> call, string what, ILogger logger, CancellationToken ct = default)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            DeliveryLog.RedisCallFailed(logger, ex, what);
            return false;
        }
    }
}
