using System.Globalization;
using LiveCommunity.Server.Auth;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Moderation;

/// <summary>REST side of the per-user write limits: 429 problem details with Retry-After.</summary>
public sealed class WriteLimitEndpointFilter(WriteKind kind) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Caller.From(http.User) is { } caller
            && http.RequestServices.GetRequiredService<WriteRateLimiter>().TryAcquire(kind, caller.Id) is { } retryAfter)
        {
            var seconds = WriteRateLimiter.Seconds(retryAfter);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"rate limited, retry in {seconds} s");
        }
        return await next(context);
    }
}

/// <summary>Hub side of the same limits: a HubException that says when to retry; the connection stays open.</summary>
public sealed class WriteLimitHubFilter(WriteRateLimiter limiter) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        WriteKind? kind = invocation.HubMethodName switch
        {
            "PostReply" => WriteKind.Reply,
            "SetReaction" => WriteKind.Reaction,
            _ => null,
        };
        if (kind is { } k && Caller.From(invocation.Context.User) is { } caller && limiter.TryAcquire(k, caller.Id) is { } retryAfter)
        {
            throw new HubException($"rate limited, retry in {WriteRateLimiter.Seconds(retryAfter)} s");
        }
        return await next(invocation);
    }
}
