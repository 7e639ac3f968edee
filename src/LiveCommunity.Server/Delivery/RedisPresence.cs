using LiveCommunity.Server.Scaling;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Watcher counts across instances. Each topic has one Redis hash; each instance owns one field of it holding
/// "count:expiresAtUnixMs". A count is the sum of the fields that have not expired, so an instance that dies
/// stops counting after <see cref="ScaleOutOptions.PresenceTtl"/> without anyone cleaning up after it; the
/// heartbeat (<see cref="PresenceHeartbeat"/>) keeps live instances' fields fresh and rewrites them after a
/// Redis restart. While Redis is unreachable, counts are this instance's own.
/// </summary>
public sealed partial class RedisPresence : IPresence
{
    // Writes this instance's field (or deletes it at zero), drops expired fields, returns the live total.
    private const string SetAndCountScript = """
        if ARGV[1] ~= '' then
          if tonumber(ARGV[2]) > 0 then
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
          else
            redis.call('HDEL', KEYS[1], ARGV[1])
          end
        end
        local now = tonumber(ARGV[4])
        local total = 0
        local all = redis.call('HGETALL', KEYS[1])
        for i = 1, #all, 2 do
          local sep = string.find(all[i + 1], ':', 1, true)
          local expires = sep and tonumber(string.sub(all[i + 1], sep + 1)) or 0
          if expires >= now then
            total = total + tonumber(string.sub(all[i + 1], 1, sep - 1))
          else
            redis.call('HDEL', KEYS[1], all[i])
          end
        end
        if total > 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
        end
        return total
        """;

    private readonly RedisConnection _redis;
    private readonly ScaleOutOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisPresence> _logger;
    private readonly Dictionary<string, HashSet<string>> _local = new(StringComparer.Ordinal);

    public RedisPresence(RedisConnection redis, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger<RedisPresence> logger)
    {
        _redis = redis;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>This instance's name in every presence hash: unique per process start.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}"[..^24];

    public Task<int> JoinAsync(string topicId, string connectionId) => ChangeAsync(topicId, connectionId, join: true);

    public Task<int> LeaveAsync(string topicId, string connectionId) => ChangeAsync(topicId, connectionId, join: false);

    public async Task<int> CountAsync(string topicId)
    {
        var local = LocalCount(topicId);
        return await TryCountAsync(topicId, Script(topicId, null)) ?? local;
    }

    /// <summary>Topics watched on this instance now, with the total the last heartbeat saw.</summary>
    public IReadOnlyList<string> LocalTopics()
    {
        lock (_local)
        {
            return [.. _local.Keys];
        }
    }

    /// <summary>Re-announces this instance's count of a topic and returns the total (null while Redis is unreachable).</summary>
    public Task<int?> RefreshAsync(string topicId)
    {
        Task<RedisResult> call;
        lock (_local)
        {
            call = Script(topicId, LocalCountLocked(topicId));
        }
        return TryCountAsync(topicId, call);
    }

    /// <summary>Removes this instance's fields on a clean shutdown, so others need not wait for them to expire.</summary>
    public async Task RemoveInstanceAsync()
    {
        foreach (var topicId in LocalTopics())
        {
            try
            {
                await _redis.Multiplexer.GetDatabase().HashDeleteAsync(Key(topicId), InstanceId);
            }
            catch (RedisException)
            {
                return; // Redis is down: the fields expire by themselves
            }
        }
    }

    private async Task<int> ChangeAsync(string topicId, string connectionId, bool join)
    {
        Task<RedisResult> call;
        int local;
        // Issued under the lock, so this instance's writes of one topic reach Redis in the order they were counted.
        lock (_local)
        {
            if (!_local.TryGetValue(topicId, out var set))
            {
                _local[topicId] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            if (join)
            {
                set.Add(connectionId);
            }
            else
            {
                set.Remove(connectionId);
            }
            local = set.Count;
            if (local == 0)
            {
                _local.Remove(topicId);
            }
            call = Script(topicId, local);
        }
        return await TryCountAsync(topicId, call) ?? local;
    }

    private Task<RedisResult> Script(string topicId, int? localCount)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = (long)_options.PresenceTtl.TotalMilliseconds;
        try
        {
            return _redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(SetAndCountScript, [Key(topicId)],
            [
                localCount is null ? "" : InstanceId,
                localCount ?? 0,
                now + ttl,
                now,
                ttl * 2,
            ]);
        }
        catch (RedisException ex)
        {
            return Task.FromException<RedisResult>(ex);
        }
    }

    private async Task<int?> TryCountAsync(string topicId, Task<RedisResult> call)
    {
        try
        {
            return (int)await call;
        }
        // Whatever the Redis call throws means "Redis did not answer": besides RedisException and timeouts, a starved
        // machine produced TaskCanceledException and InvalidOperationException ("Reading is not allowed after reader was
        // completed") from StackExchange.Redis's connection. No call here takes a cancellation token of ours.
        catch (Exception ex)
        {
            LogCountFailed(_logger, ex, topicId);
            return null;
        }
    }

    private int LocalCount(string topicId)
    {
        lock (_local)
        {
            return LocalCountLocked(topicId);
        }
    }

    private int LocalCountLocked(string topicId) => _local.TryGetValue(topicId, out var set) ? set.Count : 0;

    private RedisKey Key(string topicId) => _redis.KeyPrefix + "presence:" + topicId;

    [LoggerMessage(EventId = 4201, Level = LogLevel.Debug,
        Message = "Redis presence of {TopicId} unavailable; counting this instance's watchers only")]
    private static partial void LogCountFailed(ILogger logger, Exception ex, string topicId);
}
