using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// Gives each hub connection a small locked dictionary for its items before anything stores one: the budgets, the
/// address and the watched set that filters and the hub keep there for the connection's life. Registered as the
/// outermost filter, so its connect runs first. Idle connections are most of what an instance holds, and SignalR's
/// default for the items, a concurrent dictionary sized for many entries and writers, was the biggest object of
/// ours in each (bench/findings.md).
/// </summary>
public sealed class CompactConnectionItems : IHubFilter
{
    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.Features.Get<IConnectionItemsFeature>() is { } feature)
        {
            var items = new SmallLockedDictionary<object, object?>();
            // Nothing of ours stored an item before this, but whatever the framework put there stays.
            foreach (var item in feature.Items)
            {
                items[item.Key] = item.Value;
            }
            feature.Items = new ConnectionItems(items);
        }
        return next(context);
    }
}
