using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>The delivery layer's way to the hub's connections (<see cref="IDiscussionClients"/>).</summary>
internal sealed class DiscussionClients(
    IHubContext<DiscussionHub, IDiscussionClient> hub, IHubContext<DiscussionHub> untyped, HubLifetimeManager<DiscussionHub> manager)
    : IDiscussionClients
{
    public IHubClients<IDiscussionClient> Clients => hub.Clients;

    public Task SendStateAsync(string groupName, string methodName, object arg) =>
        manager is LocalDeliveryHubLifetimeManager<DiscussionHub> delivery
            ? delivery.SendGroupPacedAsync(groupName, methodName, [arg])
            : untyped.Clients.Group(groupName).SendCoreAsync(methodName, [arg]);

    public Task RoomAsync(string groupName) =>
        manager is LocalDeliveryHubLifetimeManager<DiscussionHub> delivery ? delivery.RoomAsync(groupName) : Task.CompletedTask;
}
