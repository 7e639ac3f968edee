using LiveCommunity.Server.Common;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.RateLimits;

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
/// Per-user write budgets shared by REST and the hub, so switching transport buys no extra posts, and shared by
/// the instances of a cluster (<see cref="SharedRateLimits"/>), so switching instance buys none either.
/// The REST endpoint filter and the hub filter both ask it.
/// </summary>
public sealed class WriteRateLimiter(SharedRateLimits shared, IOptions<LimitsOptions> options)
{
    /// <summary>Null when allowed; otherwise how long until the next write of that kind is.</summary>
    public ValueTask<TimeSpan?> TryAcquireAsync(WriteKind kind, string userId)
    {
        var limits = options.Value;
        var (permits, window) = kind switch
        {
            WriteKind.Reply => (limits.RepliesPerWindow, limits.ReplyWindow),
            WriteKind.Reaction => (limits.ReactionsPerWindow, limits.ReactionWindow),
            WriteKind.Change => (limits.ChangesPerWindow, limits.ChangeWindow),
            WriteKind.Report => (limits.ReportsPerWindow, limits.ReportWindow),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return shared.TryAcquireAsync(NameOf(kind), "user:" + userId, permits, window);
    }

    /// <summary>The limit's name in metrics, logs and Redis keys.</summary>
    public static string NameOf(WriteKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Moderators remove and restore at the pace a spam wave needs; every one of their actions is logged.</summary>
    public static bool Applies(WriteKind kind, Auth.Caller caller) => kind != WriteKind.Change || !caller.IsModerator;

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}
