using System.Globalization;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>Drain on SIGTERM (section "Shutdown"), and the host's stop bounded by Shutdown:StopTimeout.</summary>
    public static WebApplicationBuilder AddLifecycle(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration("Shutdown")
            .Validate(o => o.DrainDelay >= TimeSpan.Zero && o.StopTimeout > TimeSpan.Zero && o.RetryAfter >= TimeSpan.FromSeconds(1),
                "Shutdown:DrainDelay must not be negative, Shutdown:StopTimeout must be positive and Shutdown:RetryAfter at least 1 s")
            .ValidateOnStart();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout = shutdown.Value.StopTimeout);
        builder.Services.AddSingleton<HubConnectionsToDrain>();
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddSingleton<DrainHubFilter>();
        builder.Services.Configure<HubOptions>(hub => hub.AddFilter<DrainHubFilter>());
        builder.Services.AddSingleton<IHostLifetime, DrainingLifetime>();
        builder.Services.AddHealthChecks().AddCheck<DrainHealthCheck>("drain", tags: [HealthExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>While draining: Connection: close on HTTP/1.x answers, and new hub connections refused with Retry-After.</summary>
    public static IApplicationBuilder UseDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        var retryAfter = ((int)Math.Ceiling(drain.Options.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return app.Use((context, next) =>
        {
            if (!drain.IsDraining)
            {
                return next(context);
            }
            if (OpensHubConnection(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = retryAfter;
                context.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            }
            // Set as the answer starts: the exception handler clears headers set before it re-runs the pipeline.
            // Only HTTP/1.x: HTTP/2 and 3 have no Connection header (the server ends them with GOAWAY as it stops).
            if (context.Request.Protocol is "HTTP/1.1" or "HTTP/1.0")
            {
                context.Response.OnStarting(static state =>
                {
                    ((HttpResponse)state).Headers.Connection = "close";
                    return Task.CompletedTask;
                }, context.Response);
            }
            return next(context);
        });
    }

    // A negotiate, or a websocket opened without one (skipNegotiation, as the SDK does). Requests with a connection
    // id belong to an open connection (long-polling polls and sends): those go on until the drain closes it.
    private static bool OpensHubConnection(HttpRequest request) =>
        request.Path.StartsWithSegments(RealtimeExtensions.HubPath, StringComparison.OrdinalIgnoreCase, out var rest)
        && (rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase) || !request.Query.ContainsKey("id"));
}

/// <summary>Readiness: unhealthy from the first moment of a drain, so load balancers stop sending new work here.</summary>
internal sealed class DrainHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("draining before shutdown") : HealthCheckResult.Healthy());
}
