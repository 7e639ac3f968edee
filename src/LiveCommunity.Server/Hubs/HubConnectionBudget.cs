using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// What one hub connection may still do: its invocation budget, its replay budget (each checked before its
/// address's shared one, <see cref="Moderation.AddressBudget"/>), and how often it was refused lately. Kept in
/// the connection's Items, so it lives and dies with the connection.
/// </summary>
public sealed class HubConnectionBudget(LimitsOptions limits, TimeProvider time)
{
    private static readonly object Key = new();
    private readonly Lock _lock = new();
    private int _refusals;
    private long _refusalsSince;

    public TokenBucket Invocations { get; } = new(limits.HubInvocationBurst, limits.HubInvocationsPerSecond, time);
    public TokenBucket Replays { get; } = new(limits.ReplayBurst, limits.ReplaysPerSecond, time);

    /// <summary>Limit names (metric livecommunity.rate_limited) of the address budgets.</summary>
    public const string AddressInvocationsLimit = "hub-invocations-address";
    public const string AddressReplaysLimit = "replays-address";

    /// <summary>Takes an invocation from the connection's budget and its address's; false with the limit that refused.</summary>
    public bool TryTakeInvocation(HubCallerContext connection, out TimeSpan retryAfter, out string? addressLimit) =>
        TryTake(Invocations, Moderation.AddressConnections.BudgetOf(connection)?.Invocations, AddressInvocationsLimit, out retryAfter, out addressLimit);

    /// <summary>Takes a replay from the connection's budget and its address's; false with the limit that refused.</summary>
    public bool TryTakeReplay(HubCallerContext connection, out TimeSpan retryAfter, out string? addressLimit) =>
        TryTake(Replays, Moderation.AddressConnections.BudgetOf(connection)?.Replays, AddressReplaysLimit, out retryAfter, out addressLimit);

    private static bool TryTake(TokenBucket own, TokenBucket? address, string addressName, out TimeSpan retryAfter, out string? addressLimit)
    {
        addressLimit = null;
        if (!own.TryTake(out retryAfter))
        {
            return false;
        }
        if (address is not null && !address.TryTake(out retryAfter))
        {
            addressLimit = addressName;
            return false;
        }
        return true;
    }

    /// <summary>Whole seconds to wait, at least one: what "retry in N s" says.</summary>
    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    /// <summary>The connection's budget, if HubInvocationLimitFilter (which runs before every method) made one.</summary>
    public static HubConnectionBudget? Existing(HubCallerContext connection) =>
        connection.Items.TryGetValue(Key, out var value) ? value as HubConnectionBudget : null;

    public static HubConnectionBudget Of(HubCallerContext connection, LimitsOptions limits, TimeProvider time)
    {
        // Invocations of one connection run one at a time, and the budget is made by the first.
        if (connection.Items.TryGetValue(Key, out var value) && value is HubConnectionBudget budget)
        {
            return budget;
        }
        budget = new HubConnectionBudget(limits, time);
        connection.Items[Key] = budget;
        return budget;
    }

    /// <summary>Counts a refusal; true once the connection was refused too often within the window to be listening.</summary>
    public bool Refused()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (_refusals == 0 || time.GetElapsedTime(_refusalsSince, now) > limits.HubRefusalWindow)
            {
                _refusals = 0;
                _refusalsSince = now;
            }
            return ++_refusals >= limits.HubRefusalsBeforeClose;
        }
    }
}
