using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// The hub side of "a saturated database is a 503, never a 500": a hub call that hit a busy database (a read
/// in Watch, say) gets HubException "busy, retry in N s" and the connection stays open.
/// </summary>
public sealed class StorageBusyHubFilter : IHubFilter
{
    private static readonly Rejection Busy = Rejection.Busy(TimeSpan.FromSeconds(2));

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex) when (ex is not HubException && StorageFailures.IsBusy(ex))
        {
            throw new HubException(Busy.Detail);
        }
    }
}
