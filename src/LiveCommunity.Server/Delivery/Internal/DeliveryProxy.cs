using System.Security.Claims;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>
/// What the inner manager (the Redis backplane) knows a local connection as: the same connection id, user and
/// abort token, but writes go through the send bound and return at once.
/// <para>
/// Why: the backplane's subscription handler writes a message to every local member of a group and awaits them all
/// before it takes the channel's next message, so one member that stopped reading held every other member of the
/// group on this instance back (about 10 s, until it was cut off). Handed to the proxy, a write is started and
/// counted, never awaited by the backplane. Everything else stays the backplane's own: its channels, its
/// exclusions (the proxy has the member's connection id), its users.
/// </para>
/// </summary>
internal sealed class DeliveryProxy : HubConnectionContext
{
    private static readonly HubConnectionContextOptions Options = new()
    {
        // Never started: the proxy has no transport, keep-alives and timeouts are the real connection's.
        KeepAliveInterval = TimeSpan.FromDays(1),
        ClientTimeoutInterval = TimeSpan.FromDays(1),
    };

    private readonly LocalConnection _local;
    private readonly SendBound _bound;

    public DeliveryProxy(LocalConnection local, SendBound bound)
        : base(new DefaultConnectionContext(local.Context.ConnectionId), Options, NullLoggerFactory.Instance)
    {
        (_local, _bound) = (local, bound);
        UserIdentifier = local.Context.UserIdentifier;
    }

    public override CancellationToken ConnectionAborted => _local.Context.ConnectionAborted;

    public override ClaimsPrincipal User => _local.Context.User;

    public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default)
    {
        _bound.Deliver(_local, message);
        return ValueTask.CompletedTask;
    }

    public override ValueTask WriteAsync(HubMessage message, CancellationToken cancellationToken = default)
    {
        _bound.Deliver(_local, new SerializedHubMessage(message));
        return ValueTask.CompletedTask;
    }

    public override void Abort() => _local.Context.Abort();
}
