using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// The hub's connections, for what sends below the hub (publisher, topic list, moderation queue). The hub class
/// sits on top of the features it calls, so naming it here (IHubContext&lt;DiscussionHub, …&gt;) would make the
/// layers a circle; the hub layer registers this over its IHubContext.
/// </summary>
public interface IDiscussionClients
{
    IHubClients<IDiscussionClient> Clients { get; }

    /// <summary>
    /// Sends an event without seq that describes state (presence) to a group's members, in order with its other
    /// sends and paced for a big group on one instance (LocalDeliveryHubLifetimeManager.SendGroupPacedAsync).
    /// </summary>
    Task SendStateAsync(string groupName, string methodName, object arg);

    /// <summary>
    /// Completes once this instance's sends to a group have room again: a big group is written by its own loop
    /// on one instance, and a writer that issues sends at its own rate waits here so the queue stays bounded.
    /// </summary>
    Task RoomAsync(string groupName);
}
