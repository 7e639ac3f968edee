using System.Threading.RateLimiting;
using LiveCommunity.Server.Common;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

public enum WriteKind
{
    Reply,
    Reaction,
}

/// <summary>
/// Per-user write budgets shared by REST and the hub, so switching transport buys no extra posts.
/// Built on System.Threading.RateLimiting; the REST endpoint filter and the hub filter both ask it.
/// </summary>
public sealed class WriteRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _replies;
    private readonly PartitionedRateLimiter<string> _reactions;

    public WriteRateLimiter(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        _replies = PerUser(limits.RepliesPerWindow, limits.ReplyWindow);
        _reactions = PerUser(limits.ReactionsPerWindow, limits.ReactionWindow);
    }

    /// <summary>Null when allowed; otherwise how long until the next write of that kind is.</summary>
    public TimeSpan? TryAcquire(WriteKind kind, string userId)
    {
        using var lease = (kind == WriteKind.Reply ? _replies : _reactions).AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    private static PartitionedRateLimiter<string> PerUser(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetFixedWindowLimiter(userId, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true }));

    public void Dispose()
    {
        _replies.Dispose();
        _reactions.Dispose();
    }
}
