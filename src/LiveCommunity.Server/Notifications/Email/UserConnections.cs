using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Delivery;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>
/// Whether a reader has an open hub connection, on any instance: counted with presence under a per-reader key, so
/// a cluster counts through Redis like topic watchers (each instance's own count, with expiry refreshed by
/// <see cref="PresenceHeartbeat"/>: a dead instance's connections stop counting by themselves).
/// </summary>
public sealed class UserConnections(IPresence presence)
{
    // Not a topic id (ours are "t_…"): presence entries in parentheses are no topic (PresenceBroadcaster.Changed).
    public static string KeyOf(string userId) => "(user) " + userId;

    public Task OpenedAsync(string userId, string connectionId) => presence.JoinAsync(KeyOf(userId), connectionId);

    public Task ClosedAsync(string userId, string connectionId) => presence.LeaveAsync(KeyOf(userId), connectionId);

    /// <summary>For each reader, in the order asked: connected now (one round trip on a cluster).</summary>
    public async Task<IReadOnlyList<bool>> ConnectedAsync(IReadOnlyList<string> userIds) =>
        [.. (await presence.CountManyAsync([.. userIds.Select(KeyOf)])).Select(count => count > 0)];
}

/// <summary>Tells <see cref="UserConnections"/> of each signed-in reader's hub connection, from connect to disconnect.</summary>
public sealed class UserConnectionsHubFilter(UserConnections connections) : IHubFilter
{
    private static readonly object Key = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (Caller.From(context.Context.User) is { } caller)
        {
            await connections.OpenedAsync(caller.Id, context.Context.ConnectionId);
            context.Context.Items[Key] = caller.Id;
        }
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.TryGetValue(Key, out var value) && value is string userId)
        {
            await connections.ClosedAsync(userId, context.Context.ConnectionId);
        }
        await next(context, exception);
    }
}
