using LiveCommunity.Server.Auth;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// The hub's user is the token's <c>sub</c>, the id everything else uses, so <c>Clients.User(id)</c> reaches every
/// connection of a reader (notifications). SignalR's default reads NameIdentifier, which this server never maps
/// (tokens keep their claims as they are on the wire).
/// </summary>
internal sealed class SubjectUserIds : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => Caller.From(connection.User)?.Id;
}
