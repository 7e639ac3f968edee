using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Scaling;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

public static class ScalingExtensions
{

    /// <summary>
    /// Only where <c>ConnectionStrings:Redis</c> is set (one instance needs no Redis): the SignalR Redis backplane,
    /// wrapped so a Redis outage still serves local watchers; presence counted and throttled events sent in turns
    /// across instances; Redis in readiness.
    /// Call after AddRealtime: it replaces the in-memory presence.
    /// </summary>
    public static WebApplicationBuilder AddScaleOut(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnection.ConnectionStringName)))
        {
            return builder;
        }
        builder.Services.AddOptions<ScaleOutOptions>().BindConfiguration("Redis")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ChannelPrefix), "Redis:ChannelPrefix must not be empty")
            .Validate(o => o.PresenceHeartbeat > TimeSpan.Zero && o.PresenceTtl > o.PresenceHeartbeat,
                "Redis:PresenceHeartbeat must be positive and shorter than Redis:PresenceTtl")
            .ValidateOnStart();
        builder.Services.AddSingleton<RedisConnection>();

        // The backplane uses the shared connection (its channel prefix and fail-fast policy included).
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<RedisConnection>((options, redis) =>
        {
            options.Configuration = redis.Configuration; // what the backplane logs; it connects through the factory
            options.ConnectionFactory = _ => Task.FromResult(redis.Multiplexer);
        });
        builder.Services.AddSingleton<HubLifetimeManager<DiscussionHub>>(services =>
            new LocalDeliveryHubLifetimeManager<DiscussionHub>(
                ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<DiscussionHub>>(services),
                services.GetRequiredService<RedisConnection>(),
                services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LimitsOptions>>(),
                services.GetRequiredService<ILogger<LocalDeliveryHubLifetimeManager<DiscussionHub>>>(),
                services.GetRequiredService<TimeProvider>()));

        builder.Services.AddSingleton<RedisPresence>();
        builder.Services.AddSingleton<IPresence>(services => services.GetRequiredService<RedisPresence>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.AddSingleton<ISendTurns, RedisSendTurns>();

        builder.Services.AddHealthChecks().AddRedis(
            services => services.GetRequiredService<RedisConnection>().Multiplexer,
            name: "redis", tags: [HealthExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(3));
        return builder;
    }
}
