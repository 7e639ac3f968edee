using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Realtime;

public static class RealtimeExtensions
{
    public const string HubPath = "/hubs/discussion";

    /// <summary>The hub, the event log with its retention, and presence.</summary>
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventLogOptions>().BindConfiguration("EventLog")
            .Validate(o => o.MaxEventsPerTopic > 0 && o.MaxAge > TimeSpan.Zero && o.PruneInterval > TimeSpan.Zero,
                "EventLog:* must be positive")
            .ValidateOnStart();
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration("Presence");

        builder.Services.AddSignalR(hub => hub.AddFilter<StorageBusyHubFilter>());
        builder.Services.AddOptions<HubOptions>().Configure<IOptions<LimitsOptions>>((hub, limits) =>
            hub.MaximumReceiveMessageSize = limits.Value.MaxHubMessageBytes);

        // Local delivery with a bound per connection; AddScaleOut swaps the inner manager for the Redis backplane.
        builder.Services.AddSingleton<HubLifetimeManager<DiscussionHub>>(services =>
            new LocalDeliveryHubLifetimeManager<DiscussionHub>(
                ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<DiscussionHub>>(services),
                redis: null,
                services.GetRequiredService<IOptions<LimitsOptions>>(),
                services.GetRequiredService<ILogger<LocalDeliveryHubLifetimeManager<DiscussionHub>>>()));
        builder.Services.AddSingleton<EventLog>();
        builder.Services.AddSingleton<TopicEventPublisher>();
        builder.Services.AddSingleton<IPresence, InMemoryPresence>();
        builder.Services.AddSingleton<PresenceBroadcaster>();
        return builder;
    }

    public static HubEndpointConventionBuilder MapRealtime(this IEndpointRouteBuilder routes) =>
        routes.MapHub<DiscussionHub>(HubPath)
            .RequireCors(ApiExtensions.CorsPolicy)
            .RequireRateLimiting(Moderation.SafetyExtensions.ConnectionsPolicy);
}
