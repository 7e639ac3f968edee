using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveCommunity.Server.Scaling;

/// <summary>
/// The one Redis connection of an instance, shared by the SignalR backplane, presence and the readiness check,
/// so "is Redis reachable" has one answer. Never blocks start-up: with AbortOnConnectFail off the instance
/// starts without Redis and connects when Redis appears.
/// </summary>
public sealed partial class RedisConnection : IDisposable
{
    /// <summary>ConnectionStrings:Redis; an instance without it runs alone (no backplane, local presence).</summary>
    public const string ConnectionStringName = "Redis";

    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(
        IConfiguration configuration, IOptions<ScaleOutOptions> options, Observability.CommunityMetrics metrics, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        var config = ConfigurationOptions.Parse(configuration.GetConnectionString(ConnectionStringName)!);
        config.AbortOnConnectFail = false;
        config.ChannelPrefix = RedisChannel.Literal(options.Value.ChannelPrefix + ":");
        // Fail at once while disconnected instead of queueing: a publish that cannot go through Redis is
        // delivered locally (LocalDeliveryHubLifetimeManager), and a queued one would only arrive late.
        config.BacklogPolicy = BacklogPolicy.FailFast;
        // Try again every second: cross-instance delivery should come back soon after Redis does.
        config.ReconnectRetryPolicy = new LinearRetry(1000);
        KeyPrefix = options.Value.ChannelPrefix + ":";
        Configuration = config;
        Multiplexer = ConnectionMultiplexer.Connect(config);
        Multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint, e.ConnectionType, e.FailureType);
        Multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint, e.ConnectionType);
        metrics.ObserveBackplaneWith(() => Multiplexer.IsConnected ? 1 : 0);
        if (!Multiplexer.IsConnected)
        {
            LogStartedDisconnected(_logger, config.EndPoints);
        }
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public ConfigurationOptions Configuration { get; }

    /// <summary>Prefix of this cluster's keys (pub/sub channels get theirs from the multiplexer).</summary>
    public string KeyPrefix { get; }

    public bool IsConnected => Multiplexer.IsConnected;

    public void Dispose() => Multiplexer.Dispose();

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Redis connection to {EndPoint} ({ConnectionType}) failed: {FailureType}; instances serve their own watchers until it is back")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Redis connection to {EndPoint} ({ConnectionType}) restored; cross-instance delivery resumes")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint, ConnectionType connectionType);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Redis ({EndPoints}) is not reachable at start; serving local watchers only until it is")]
    private static partial void LogStartedDisconnected(ILogger logger, EndPointCollection endPoints);
}
