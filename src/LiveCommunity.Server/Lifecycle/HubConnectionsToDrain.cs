using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Lifecycle;

/// <summary>
/// This instance's open hub connections, each with the handle that closes it the way an expired token does:
/// <see cref="IConnectionLifetimeNotificationFeature.RequestClose"/> makes SignalR end the connection with a
/// CloseMessage that has allowReconnect=true, so the client reconnects (elsewhere) instead of giving up.
/// </summary>
public sealed class HubConnectionsToDrain
{
    private readonly ConcurrentDictionary<string, IConnectionLifetimeNotificationFeature> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    internal void Add(string connectionId, IConnectionLifetimeNotificationFeature close) => _open[connectionId] = close;

    internal void Remove(string connectionId) => _open.TryRemove(connectionId, out _);

    internal IReadOnlyList<IConnectionLifetimeNotificationFeature> Snapshot() => [.. _open.Values];
}

/// <summary>Keeps <see cref="HubConnectionsToDrain"/> up to date; a connection that opens while draining is closed at once.</summary>
internal sealed class DrainHubFilter(HubConnectionsToDrain connections, ShutdownDrain drain) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        if (context.Context.Features.Get<IConnectionLifetimeNotificationFeature>() is not { } close)
        {
            return; // a transport without close requests: it ends with the host, as before
        }
        connections.Add(context.Context.ConnectionId, close);
        // Checked after adding: either the drain's snapshot has this connection or this sees the drain.
        if (drain.IsDraining)
        {
            close.RequestClose();
        }
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context.ConnectionId);
        return next(context, exception);
    }
}
