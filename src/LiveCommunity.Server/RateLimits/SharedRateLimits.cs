using System.Threading.RateLimiting;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Scaling;
using Microsoft.Extensions.Options;
using RedisRateLimiting;

namespace LiveCommunity.Server.RateLimits;

/// <summary>
/// Fixed-window limits per key (a user, an address) that hold for the whole cluster: on a cluster the count is
/// kept in Redis by RedisRateLimiting's fixed-window Lua script, so a member who spreads calls over instances
/// gets no more than on one; on one instance (no <c>ConnectionStrings:Redis</c>) it is kept in memory.
/// While Redis does not answer (down, or slower than Limits:SharedLimitTimeout), each instance counts on its
/// own in memory: a Redis outage neither fails calls nor lifts the limits, it only makes them per instance
/// until Redis is back.
/// </summary>
public sealed partial class SharedRateLimits : IDisposable
{
    private readonly RedisConnection? _redis;
    private readonly LimitsOptions _limits;
    private readonly ILogger<SharedRateLimits> _logger;
    private readonly PartitionedRateLimiter<LimitKey> _memory;

    public SharedRateLimits(RedisConnection? redis, IOptions<LimitsOptions> limits, ILogger<SharedRateLimits> logger)
    {
        _redis = redis;
        _limits = limits.Value;
        _logger = logger;
        // Idle windows are dropped by the partitioned limiter, so memory follows the keys active lately.
        _memory = PartitionedRateLimiter.Create<LimitKey, LimitKey>(key => RateLimitPartition.GetFixedWindowLimiter(key, k =>
            new FixedWindowRateLimiterOptions { PermitLimit = k.Permits, Window = k.Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>Whether the counts are kept in Redis (a cluster) rather than in this instance's memory.</summary>
    public bool Shared => _redis is not null;

    /// <summary>
    /// Takes one call of <paramref name="limit"/> for <paramref name="key"/>: null when allowed, otherwise how long
    /// until the window lets the next one through.
    /// </summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string limit, string key, int permits, TimeSpan window)
    {
        var limitKey = new LimitKey(limit, key, permits, window);
        if (_redis is { IsConnected: true } redis)
        {
            try
            {
                return await AcquireInRedisAsync(redis, limitKey).WaitAsync(_limits.SharedLimitTimeout);
            }
            // Whatever the call throws means "Redis did not answer" (see RedisPresence.TryCountAsync); a timeout too.
            catch (Exception ex)
            {
                LogFellBack(_logger, ex, limit);
            }
        }
        using var lease = _memory.AttemptAcquire(limitKey);
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window;
    }

    private static async Task<TimeSpan?> AcquireInRedisAsync(RedisConnection redis, LimitKey key)
    {
        // A limiter object per call: it holds only the key names, the window lives in Redis. (A cached
        // partition per key would never be dropped: RedisRateLimiting's limiters report no idle time.)
        using var limiter = new RedisFixedWindowRateLimiter<string>(
            $"{redis.KeyPrefix}limit:{key.Limit}:{key.Key}",
            new RedisFixedWindowRateLimiterOptions
            {
                PermitLimit = key.Permits,
                Window = key.Window,
                ConnectionMultiplexerFactory = () => redis.Multiplexer,
            });
        // AcquireAsync, never AttemptAcquire: the synchronous path of RedisRateLimiting refuses everything.
        using var lease = await limiter.AcquireAsync(1);
        if (lease.IsAcquired)
        {
            return null;
        }
        // Whole seconds until the window's end (Redis keeps its windows in Unix seconds).
        return lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _memory.Dispose();

    /// <summary>A window of one limit for one key; its size is part of the key, so a changed setting starts afresh.</summary>
    private readonly record struct LimitKey(string Limit, string Key, int Permits, TimeSpan Window);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug,
        Message = "Shared rate limit {Limit} unavailable in Redis; counting on this instance until it answers")]
    private static partial void LogFellBack(ILogger logger, Exception ex, string limit);
}
