using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// Makes a Watch result count toward the connection's send bound (LocalDeliveryHubLifetimeManager), like the
/// live events it replays would have. SignalR writes a method's result itself: DefaultHubDispatcher awaits
/// HubConnectionContext.WriteAsync of the completion (which waits while the connection's buffer is full), and
/// only then releases the hub and disposes the invocationContext's service scope. So the result is counted when the
/// method returns and released when the scope is disposed: while a client does not read, its result stays
/// counted, and the same rules that cut off a stalled watcher cut it off. (Its later calls wait meanwhile:
/// the dispatcher handles one call of a connection at a time, so at most one result is ever pending.)
/// </summary>
public sealed class WatchResultSendBound(HubLifetimeManager<DiscussionHub> lifetimeManager) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var result = await next(invocationContext);
        if (result is WatchResult watch && lifetimeManager is LocalDeliveryHubLifetimeManager<DiscussionHub> delivery)
        {
            invocationContext.ServiceProvider.GetRequiredService<PendingWatchResult>().Handle =
                delivery.CountPendingResult(invocationContext.Context.ConnectionId, watch.Missed.Count);
        }
        return result;
    }
}

/// <summary>One invocationContext's counted result; disposed with the invocationContext's scope, after SignalR wrote the result.</summary>
public sealed class PendingWatchResult : IDisposable
{
    public IDisposable? Handle { get; set; }

    public void Dispose() => Handle?.Dispose();
}
