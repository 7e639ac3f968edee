using System.Threading.RateLimiting;
using LiveCommunity.Server.Common;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

public enum WriteKind
{
    Reply,
    Reaction,
    /// <summary>Edits and removals of replies: each is a logged event sent to every watcher.</summary>
    Change,
    /// <summary>Reader reports of replies.</summary>
    Report,
}

/// <summary>
/// Per-user write budgets shared by REST and the hub, so switching transport buys no extra posts.
/// Built on System.Threading.RateLimiting; the REST endpoint filter and the hub filter both ask it.
/// </summary>
public sealed class WriteRateLimiter : IDisposable
{
    private readonly Dictionary<WriteKind, PartitionedRateLimiter<string>> _limiters;

    public WriteRateLimiter(IOptions<LimitsOptions> options)
    {
        var limits = options.Value;
        _limiters = new()
        {
            [WriteKind.Reply] = PerUser(limits.RepliesPerWindow, limits.ReplyWindow),
            [WriteKind.Reaction] = PerUser(limits.ReactionsPerWindow, limits.ReactionWindow),
            [WriteKind.Change] = PerUser(limits.ChangesPerWindow, limits.ChangeWindow),
            [WriteKind.Report] = PerUser(limits.ReportsPerWindow, limits.ReportWindow),
        };
    }

    /// <summary>Null when allowed; otherwise how long until the next write of that kind is.</summary>
    public TimeSpan? TryAcquire(WriteKind kind, string userId)
    {
        using var lease = _limiters[kind].AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    /// <summary>Moderators remove and restore at the pace a spam wave needs; every one of their actions is logged.</summary>
    public static bool Applies(WriteKind kind, Auth.Caller caller) => kind != WriteKind.Change || !caller.IsModerator;

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    private static PartitionedRateLimiter<string> PerUser(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetFixedWindowLimiter(userId, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true }));

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
