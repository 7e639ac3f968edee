using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Hubs;

public static class RealtimeExtensions
{
    public const string HubPath = "/hubs/discussion";

    /// <summary>The hub, the event log with its retention, and presence.</summary>
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventLogOptions>().BindConfiguration("EventLog")
            .Validate(o => o.MaxEventsPerTopic > 0 && o.MaxAge > TimeSpan.Zero && o.PruneInterval > TimeSpan.Zero
                    && o.MaxReplayEvents > 0 && o.MaxReplayBytes > 0,
                "EventLog:* must be positive")
            .ValidateOnStart();
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration("Presence")
            .Validate(o => o.Throttle > TimeSpan.Zero && o.MaxDeliveriesPerSecond > 0 && o.MaxThrottle > TimeSpan.Zero,
                "Presence:Throttle, Presence:MaxDeliveriesPerSecond and Presence:MaxThrottle must be positive")
            .ValidateOnStart();
        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration("Realtime")
            .Validate(o => o.SeqHeartbeat > TimeSpan.Zero, "Realtime:SeqHeartbeat must be positive")
            .ValidateOnStart();
        builder.Services.AddOptions<TopicListOptions>().BindConfiguration("TopicList")
            .Validate(o => o.StatsThrottle > TimeSpan.Zero, "TopicList:StatsThrottle must be positive")
            .Validate(o => o.MaxStatsPerSecond is > 0 and <= 10, "TopicList:MaxStatsPerSecond must be above 0 and at most 10 (PROTOCOL.md)")
            .ValidateOnStart();

        builder.Services.AddSignalR(hub =>
        {
            // In this order, before the filters AddSafety adds (write limits): the outermost sees every refusal.
            hub.AddFilter<CompactConnectionItems>();    // first: a small dictionary for the items before any is stored
            hub.AddFilter<HubRefusalFilter>();          // logs each refused call once, at Debug
            hub.AddFilter<PublisherHubFilter>();        // a publisher token is never a reader
            hub.AddFilter<HubInvocationLimitFilter>();  // per-connection budget, before any work is done
            hub.AddFilter<HubInputFilter>();            // ids checked before any lookup or group join
            hub.AddFilter<StorageBusyHubFilter>();      // a saturated database is "busy, retry in N s", never an error
            hub.AddFilter<WatchResultSendBound>();      // a Watch result counts toward the send bound
        });
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIds>(); // Clients.User(sub): a reader's notifications
        builder.Services.AddSingleton<CompactConnectionItems>();
        builder.Services.AddSingleton<HubRefusalFilter>();
        builder.Services.AddSingleton<HubInvocationLimitFilter>();
        builder.Services.AddSingleton<HubInputFilter>();
        builder.Services.AddSingleton<WatchResultSendBound>();
        builder.Services.AddScoped<PendingWatchResult>();
        // SignalR logs every exception a hub method throws at Error; a HubException is a refusal, logged by the filter above.
        HubRefusalLoggerFactory.Register(builder.Services);
        builder.Services.AddOptions<HubOptions>().Configure<IOptions<LimitsOptions>>((hub, limits) =>
            hub.MaximumReceiveMessageSize = limits.Value.MaxHubMessageBytes);

        // Local delivery with a bound per connection; AddScaleOut swaps the inner manager for the Redis backplane.
        builder.Services.AddSingleton<HubLifetimeManager<DiscussionHub>>(services =>
            new LocalDeliveryHubLifetimeManager<DiscussionHub>(
                ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<DiscussionHub>>(services),
                redis: null,
                services.GetRequiredService<IOptions<LimitsOptions>>(),
                services.GetRequiredService<ILogger<LocalDeliveryHubLifetimeManager<DiscussionHub>>>(),
                services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<EventLog>();
        builder.Services.AddSingleton<IDiscussionClients, DiscussionClients>();
        builder.Services.AddSingleton<TopicEventPublisher>();
        builder.Services.AddSingleton<IPresence, InMemoryPresence>();
        builder.Services.AddSingleton<ISendTurns, LocalSendTurns>();
        builder.Services.AddSingleton<PresenceBroadcaster>();
        builder.Services.AddSingleton<TopicListBroadcaster>();
        builder.Services.AddHostedService<TopicSeqBeacon>(); // TopicSeq: watchers that missed events catch up
        return builder;
    }

    public static HubEndpointConventionBuilder MapRealtime(this IEndpointRouteBuilder routes) =>
        // A connection lives no longer than the token it was opened with: past the token's exp it is closed, and
        // the client reconnects with a fresh token (or as an anonymous reader).
        routes.MapHub<DiscussionHub>(HubPath, options => options.CloseOnAuthenticationExpiration = true)
            .RequireCors(ApiExtensions.CorsPolicy)
            .RequireRateLimiting(RateLimits.RateLimitPolicies.Connections);
}
