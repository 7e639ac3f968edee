using LiveCommunity.Server.Scaling;
using StackExchange.Redis;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Send turns across instances: a turn is a Redis key set with NX and a time to live of one window, so exactly
/// one instance takes it per window and nobody has to give it back. While Redis does not answer, every instance
/// takes its own turns (more events, never fewer: the newest state is still sent).
/// </summary>
public sealed partial class RedisSendTurns(RedisConnection redis, ILogger<RedisSendTurns> logger) : ISendTurns
{
    public async ValueTask<bool> TryTakeAsync(string key, TimeSpan window)
    {
        try
        {
            return await redis.Multiplexer.GetDatabase().StringSetAsync(redis.KeyPrefix + "turn:" + key, 1, window, When.NotExists);
        }
        // Any failure of the call means "Redis did not answer" (see RedisPresence.TryCountAsync).
        catch (Exception ex)
        {
            LogTurnFailed(logger, ex, key);
            return true;
        }
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Debug, Message = "Redis send turn {Key} unavailable; sending from this instance")]
    private static partial void LogTurnFailed(ILogger logger, Exception ex, string key);
}
