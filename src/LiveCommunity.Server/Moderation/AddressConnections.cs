using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Hub connections open at once per client address (Limits:ConnectionsPerAddress), and what the connections of
/// an address may do together: one invocation and one replay budget per address on top of each connection's own
/// (Limits:AddressHub*, AddressReplay*), so 300 connections from one address do not get 300 budgets. Counted by
/// the hub itself, whatever the transport, from connect to disconnect; an entry exists only while its address
/// has a connection, so memory follows the connections. New connections beyond the cap get 429 at connect (the
/// "connections" rate limit policy asks <see cref="IsFull"/>); the hub filter refuses the few that race past it.
/// </summary>
public sealed class AddressConnections(IOptions<LimitsOptions> limits, TimeProvider time)
{
    /// <summary>What Retry-After says to a client refused for its address's open connections.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private static readonly object BudgetKey = new();
    private readonly ConcurrentDictionary<string, AddressBudget> _open = new(StringComparer.Ordinal);

    public bool IsFull(string address) => _open.TryGetValue(address, out var budget) && budget.Open >= limits.Value.ConnectionsPerAddress;

    /// <summary>The shared budget of the connection's address, once the hub admitted the connection.</summary>
    public static AddressBudget? BudgetOf(HubCallerContext connection) =>
        connection.Items.TryGetValue(BudgetKey, out var value) ? value as AddressBudget : null;

    /// <summary>Counts a connection unless the address is at its cap; the address's budget, or null when at the cap.</summary>
    public AddressBudget? TryOpen(string address)
    {
        while (true)
        {
            var budget = _open.GetOrAdd(address, _ => new AddressBudget(limits.Value, time));
            lock (budget)
            {
                if (budget.Retired)
                {
                    continue; // its last connection closed meanwhile: take a fresh entry
                }
                if (budget.Open >= limits.Value.ConnectionsPerAddress)
                {
                    return null;
                }
                budget.Open++;
                return budget;
            }
        }
    }

    public void Close(string address)
    {
        if (!_open.TryGetValue(address, out var budget))
        {
            return;
        }
        lock (budget)
        {
            // The last connection of an address removes its entry (budget included: reconnecting is limited by
            // the connections window, Limits:ConnectionsPerWindow, so a fresh budget is not free to come by).
            if (--budget.Open <= 0)
            {
                budget.Retired = true;
                _open.TryRemove(new KeyValuePair<string, AddressBudget>(address, budget));
            }
        }
    }

    /// <summary>Addresses with an open connection (for tests: the table empties when they disconnect).</summary>
    public int Addresses => _open.Count;

    internal static void Admit(HubCallerContext connection, AddressBudget budget) => connection.Items[BudgetKey] = budget;

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
        if (connections.TryOpen(address) is not { } budget)
        {
            // Not admitted: the hub never hears of this connection, neither its connect nor its disconnect.
            context.Context.Abort();
            return;
        }
        context.Context.Items[Key] = address;
        AddressConnections.Admit(context.Context, budget);
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

/// <summary>What the hub connections of one address may do together; counted per instance.</summary>
public sealed class AddressBudget(LimitsOptions limits, TimeProvider time)
{
    /// <summary>Open connections of the address; changed under the lock of this object.</summary>
    internal int Open;
    internal bool Retired;

    public TokenBucket Invocations { get; } = new(limits.AddressHubInvocationBurst, limits.AddressHubInvocationsPerSecond, time);
    public TokenBucket Replays { get; } = new(limits.AddressReplayBurst, limits.AddressReplaysPerSecond, time);
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
