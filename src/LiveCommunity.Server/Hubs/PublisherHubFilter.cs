using LiveCommunity.Server.Auth;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// A publisher token is the host site's back end, never a reader (PROTOCOL.md v3 "New roles"): every hub call
/// made with one is refused, watching included, so a leaked back-end token cannot be used to post or to be
/// counted as a watcher. Readers connect with their own token, or with none to watch.
/// </summary>
public sealed class PublisherHubFilter : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next) =>
        Caller.From(invocationContext.Context.User) is { Role: Roles.Publisher }
            ? throw new HubException(Roles.PublisherIsNoReader)
            : next(invocationContext);
}
