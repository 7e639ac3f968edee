using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Moderation;

/// <summary>Names of logged moderation actions (the <c>action</c> field of GET /api/moderation/log).</summary>
public static class ModerationActions
{
    public const string Remove = "remove";
    public const string Restore = "restore";
    public const string Lock = "lock";
    public const string Unlock = "unlock";
    public const string Ban = "ban";
    public const string Unban = "unban";
}

public static class ModerationLog
{
    /// <summary>Adds an audit entry to the same unit of work as the action, so the log never disagrees with it.</summary>
    public static void Record(CommunityDb db, Caller moderator, string action, string targetId, string? reason, DateTime at) =>
        db.ModerationLog.Add(new ModerationEntryEntity
        {
            Id = Ids.NewEntryId(),
            At = at,
            ModeratorId = moderator.Id,
            ModeratorName = moderator.Name,
            Action = action,
            TargetId = targetId,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason,
        });
}

/// <summary>What happens after a moderation action commits: a metric and a structured log line (never reply text).</summary>
public sealed partial class ModerationAudit(Observability.CommunityMetrics metrics, ILogger<ModerationAudit> logger)
{
    public void Committed(Caller moderator, string action, string targetId)
    {
        metrics.ModerationAction(action);
        LogAction(logger, moderator.Id, action, targetId);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Moderator {ModeratorId} did {Action} on {TargetId}")]
    private static partial void LogAction(ILogger logger, string moderatorId, string action, string targetId);
}
