using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace LiveCommunity.Server.Storage;

public static class HealthExtensions
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddDbContextCheck<CommunityDb>("database", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>/health/live: the process answers. /health/ready: its dependencies answer too (503 otherwise).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return routes;
    }
}
