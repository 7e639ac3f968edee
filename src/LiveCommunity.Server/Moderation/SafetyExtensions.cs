using System.Globalization;
using System.Threading.RateLimiting;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.RateLimits;
using LiveCommunity.Server.Replies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

public static class SafetyExtensions
{
    /// <summary>Moderation services, content rules, and the rate limits on reads, writes and hub connections.</summary>
    public static WebApplicationBuilder AddSafety(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModerationOptions>().BindConfiguration("Moderation")
            .Validate(o => o.JobLease >= TimeSpan.FromSeconds(1), "Moderation:JobLease must be at least a second")
            .Validate(o => o.ErasureWait > TimeSpan.Zero, "Moderation:ErasureWait must be positive")
            .Validate(o => o.HideAfterReports >= 0 && o.PremoderateFirstReplies >= 0 && o.MinReporterAge >= TimeSpan.Zero,
                "Moderation:HideAfterReports, PremoderateFirstReplies and MinReporterAge must not be negative")
            .ValidateOnStart();
        builder.Services.AddSingleton<ContentRules>();
        builder.Services.AddSingleton(services => new SharedRateLimits(
            services.GetService<Scaling.RedisConnection>(), // registered only on a cluster (AddScaleOut)
            services.GetRequiredService<IOptions<LimitsOptions>>(), services.GetRequiredService<ILogger<SharedRateLimits>>()));
        builder.Services.AddSingleton<WriteRateLimiter>();
        builder.Services.AddSingleton<ModerationJobs>();
        builder.Services.AddSingleton<QueueNotifier>();
        builder.Services.AddSingleton<PreModeration>();
        builder.Services.AddSingleton<IPreModeration>(services => services.GetRequiredService<PreModeration>());
        builder.Services.AddScoped<IReplyErasure, ReplyErasure>();
        builder.Services.AddSingleton<CurrentRoles>();
        builder.Services.AddScoped<ModerationQueue>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ModerationJobs>());
        builder.Services.AddScoped<ModerationService>();
        builder.Services.AddSingleton<AddressConnections>();
        builder.Services.AddSingleton<AddressConnectionsHubFilter>();
        builder.Services.Configure<HubOptions>(hub =>
        {
            hub.AddFilter<AddressConnectionsHubFilter>();
            hub.AddFilter<WriteLimitHubFilter>();
        });

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((rate, options) =>
        {
            var limits = options.Value;
            rate.AddPolicy(RateLimitPolicies.Reads, context => Window(context, RateLimitPolicies.Reads, ClientKey(context), limits.ReadsPerWindow, limits.ReadWindow));
            rate.AddPolicy(RateLimitPolicies.Connections, context =>
            {
                if (!IsNewHubConnection(context))
                {
                    return RateLimitPartition.GetNoLimiter("established");
                }
                var address = Address(context);
                // An address at its cap of open connections: refused, whatever its window has left.
                return context.RequestServices.GetRequiredService<AddressConnections>().IsFull(address)
                    ? RateLimitPartition.Get("full", _ => new RefuseAllLimiter(AddressConnections.RetryAfter))
                    : Window(context, RateLimitPolicies.Connections, address, limits.ConnectionsPerWindow, limits.ConnectionWindow);
            });
            rate.OnRejected = async (rejected, ct) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? WriteRateLimiter.Seconds(retryAfter) : 1;
                var http = rejected.HttpContext;
                RateLimitLog.Limited(http.RequestServices, http.Request.Path.StartsWithSegments("/hubs") ? RateLimitPolicies.Connections : RateLimitPolicies.Reads, seconds);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: $"rate limited, retry in {seconds} s").ExecuteAsync(http);
            };
        });
        return builder;
    }

    /// <summary>
    /// 413 before reading a body larger than Limits:MaxRequestBodyBytes. The hub is left to SignalR's own
    /// MaximumReceiveMessageSize, since a long-polling POST may batch several messages.
    /// </summary>
    // Not async (see PassThrough).
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments("/hubs"))
        {
            var max = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
            if (context.Request.ContentLength > max)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                    detail: $"the request body may be at most {max} bytes").ExecuteAsync(context);
            }
            // Chunked bodies have no length up front: Kestrel stops reading them at the same limit.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = max;
            }
        }
        return next(context);
    });

    // A window counted across the cluster (SharedRateLimits), one limiter object per key while it is in use.
    private static RateLimitPartition<string> Window(HttpContext context, string limit, string key, int permits, TimeSpan window) =>
        RateLimitPartition.Get(key, k => new SharedWindowLimiter(
            context.RequestServices.GetRequiredService<SharedRateLimits>(), limit, k, permits, window));

    // Only opening a connection counts (negotiate, or a websocket that skipped it); the polls and sends of an
    // established long-polling connection carry its id and are free.
    private static bool IsNewHubConnection(HttpContext context) =>
        context.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true
        || (context.WebSockets.IsWebSocketRequest && !context.Request.Query.ContainsKey("id"));

    private static string ClientKey(HttpContext context) =>
        Caller.From(context.User) is { } caller ? "user:" + caller.Id : Address(context);

    private static string Address(HttpContext context) => AddressConnections.KeyOf(context.Connection.RemoteIpAddress);
}
