using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>The delivery layer's way to the hub's connections (<see cref="IDiscussionClients"/>).</summary>
internal sealed class DiscussionClients(IHubContext<DiscussionHub, IDiscussionClient> hub) : IDiscussionClients
{
    public IHubClients<IDiscussionClient> Clients => hub.Clients;
}
