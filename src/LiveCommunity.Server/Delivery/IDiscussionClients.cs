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
    /// Sends an event without seq that describes state (presence) to a group's members, paced on one instance so a
    /// big group does not hold a send buffer per member at once (LocalDeliveryHubLifetimeManager.SendGroupPacedAsync).
    /// </summary>
    Task SendStateAsync(string groupName, string methodName, object arg);
}
