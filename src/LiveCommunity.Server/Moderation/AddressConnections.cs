using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Hub connections open at once per client address (Limits:ConnectionsPerAddress). Counted by the hub itself,
/// whatever the transport, from connect to disconnect; a table entry exists only while its address has a
/// connection, so memory follows the connections. New connections beyond the cap get 429 at connect (the
/// "connections" rate limit policy asks <see cref="IsFull"/>); the hub filter refuses the few that race past it.
/// </summary>
public sealed class AddressConnections(IOptions<LimitsOptions> limits)
{
    /// <summary>What Retry-After says to a client refused for its address's open connections.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public bool IsFull(string address) => _open.TryGetValue(address, out var open) && open >= limits.Value.ConnectionsPerAddress;

    /// <summary>Counts a connection unless the address is at its cap.</summary>
    public bool TryOpen(string address)
    {
        while (true)
        {
            if (_open.TryGetValue(address, out var open))
            {
                if (open >= limits.Value.ConnectionsPerAddress)
                {
                    return false;
                }
                if (_open.TryUpdate(address, open + 1, open))
                {
                    return true;
                }
            }
            else if (_open.TryAdd(address, 1))
            {
                return true;
            }
        }
    }

    public void Close(string address)
    {
        while (_open.TryGetValue(address, out var open))
        {
            // The last connection of an address removes its entry.
            if (open <= 1 ? _open.TryRemove(new KeyValuePair<string, int>(address, open)) : _open.TryUpdate(address, open - 1, open))
            {
                return;
            }
        }
    }

    /// <summary>Addresses with an open connection (for tests: the table empties when they disconnect).</summary>
    public int Addresses => _open.Count;

    /// <summary>
    /// The key per-address limits count by: an IPv4 address as is, an IPv6 address by its /64 prefix, since one
    /// subscriber usually gets a whole /64 and could otherwise take a fresh address per request.
    /// </summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return "ip:" + new IPAddress(bytes) + "/64";
    }
}

/// <summary>Counts hub connections per address from connect to disconnect; refuses one that races past the 429 at connect.</summary>
public sealed class AddressConnectionsHubFilter(AddressConnections connections) : IHubFilter
{
    private static readonly object Key = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var address = AddressConnections.KeyOf(context.Context.GetHttpContext()?.Connection.RemoteIpAddress);
        if (!connections.TryOpen(address))
        {
            // Not admitted: the hub never hears of this connection, neither its connect nor its disconnect.
            context.Context.Abort();
            return;
        }
        context.Context.Items[Key] = address;
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.TryGetValue(Key, out var address) && address is string counted)
        {
            connections.Close(counted);
            await next(context, exception);
        }
    }
}

/// <summary>A limiter that refuses everything, saying when to retry: the partition of an address at its cap.</summary>
internal sealed class RefuseAllLimiter(TimeSpan retryAfter) : RateLimiter
{
    public override TimeSpan? IdleDuration => TimeSpan.Zero;

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => new Refused(retryAfter);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult<RateLimitLease>(new Refused(retryAfter));

    private sealed class Refused(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
