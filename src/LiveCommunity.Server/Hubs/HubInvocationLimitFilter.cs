using LiveCommunity.Server.Common;
using LiveCommunity.Server.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// The per-connection invocationContext limit (Limits:HubInvocationBurst, HubInvocationsPerSecond), and the one its
/// address's connections share (Limits:AddressHubInvocationBurst, AddressHubInvocationsPerSecond): past either a call
/// gets "rate limited, retry in N s" and changes nothing; a connection that keeps calling regardless is closed.
/// Runs before any other filter that does work, so a flood costs a dictionary lookup per call.
/// </summary>
public sealed partial class HubInvocationLimitFilter(IOptions<LimitsOptions> limits, TimeProvider time, CommunityMetrics metrics,
    ILogger<HubInvocationLimitFilter> logger) : IHubFilter
{
    public const string LimitName = "hub-invocations";

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var budget = HubConnectionBudget.Of(invocationContext.Context, limits.Value, time);
        if (budget.TryTakeInvocation(invocationContext.Context, out var retryAfter, out var addressLimit))
        {
            return next(invocationContext);
        }
        // Counted here; logged once, like every refusal, by HubRefusalFilter.
        metrics.RateLimited(addressLimit ?? LimitName);
        if (budget.Refused())
        {
            LogClosed(logger, invocationContext.Context.ConnectionId, limits.Value.HubRefusalsBeforeClose);
            invocationContext.Context.Abort();
        }
        throw new HubException($"rate limited, retry in {HubConnectionBudget.Seconds(retryAfter)} s");
    }

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information,
        Message = "Connection {ConnectionId} kept calling past its rate limit ({Refusals} refusals); closed")]
    private static partial void LogClosed(ILogger logger, string connectionId, int refusals);
}
