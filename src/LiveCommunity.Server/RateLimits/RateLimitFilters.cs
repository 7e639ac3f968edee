using System.Globalization;
using LiveCommunity.Server.Auth;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.RateLimits;

/// <summary>REST side of the per-user write limits: 429 problem details with Retry-After.</summary>
public sealed class WriteLimitEndpointFilter(WriteKind kind) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Caller.From(http.User) is { } caller && WriteRateLimiter.Applies(kind, caller)
            && await http.RequestServices.GetRequiredService<WriteRateLimiter>().TryAcquireAsync(kind, caller.Id) is { } retryAfter)
        {
            var seconds = WriteRateLimiter.Seconds(retryAfter);
            RateLimitLog.Limited(http.RequestServices, WriteRateLimiter.NameOf(kind), seconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"rate limited, retry in {seconds} s");
        }
        return await next(context);
    }
}

/// <summary>Hub side of the same limits: a HubException that says when to retry; the connection stays open.</summary>
public sealed class WriteLimitHubFilter(WriteRateLimiter limiter, IServiceProvider services) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        WriteKind? kind = invocationContext.HubMethodName switch
        {
            "PostReply" => WriteKind.Reply,
            "SetReaction" => WriteKind.Reaction,
            _ => null,
        };
        if (kind is { } k && Caller.From(invocationContext.Context.User) is { } caller && WriteRateLimiter.Applies(k, caller)
            && await limiter.TryAcquireAsync(k, caller.Id) is { } retryAfter)
        {
            var seconds = WriteRateLimiter.Seconds(retryAfter);
            RateLimitLog.Limited(services, WriteRateLimiter.NameOf(k), seconds);
            throw new HubException($"rate limited, retry in {seconds} s");
        }
        return await next(invocationContext);
    }
}

/// <summary>
/// Counts every refusal by a rate limit, whichever limit and transport (metric livecommunity.rate_limited, by
/// limit), and logs it at Debug only: a 429 is an expected answer, and a client hammering a limit must not be
/// able to write the log at the rate it sends requests.
/// </summary>
internal static partial class RateLimitLog
{
    public static void Limited(IServiceProvider services, string limit, int retryAfterSeconds)
    {
        services.GetRequiredService<Observability.CommunityMetrics>().RateLimited(limit);
        var logger = services.GetRequiredService<ILogger<WriteRateLimiter>>();
        LogLimited(logger, limit, retryAfterSeconds);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Rate limit {Limit} refused a call; retry in {RetryAfter} s")]
    private static partial void LogLimited(ILogger logger, string limit, int retryAfter);
}
