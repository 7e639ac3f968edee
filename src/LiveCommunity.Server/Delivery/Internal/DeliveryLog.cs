using LiveCommunity.Server.Delivery;

namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>The delivery manager's log messages (LocalDeliveryHubLifetimeManager and its helpers).</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug,
        Message = "Redis {What} failed; serving this instance's connections directly")]
    public static partial void RedisCallFailed(ILogger logger, Exception ex, string what);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Delivered to {Count} local members of {Group} without Redis")]
    public static partial void LocalDelivery(ILogger logger, string group, int count);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} stopped reading ({Pending} sends waiting on its full buffer); cut off, it resumes by seq")]
    public static partial void SlowConsumerCutOff(ILogger logger, string connectionId, int pending);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "Re-subscribed group {Group} ({Count} local members) after a Redis outage")]
    public static partial void GroupResubscribed(ILogger logger, string group, int count);
}
