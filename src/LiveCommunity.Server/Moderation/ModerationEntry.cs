using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Moderation;

/// <summary>One line of GET /api/moderation/log.</summary>
public sealed record ModerationEntry(string Id, DateTime At, Author Moderator, string Action, string TargetId, string? Reason);

public sealed record BanRequest(string? Reason, bool RemoveReplies);

public static class ModerationMappings
{
    public static ModerationEntry AsEntry(this ModerationEntryEntity entry) =>
        new(entry.Id, entry.At, new Author(entry.ModeratorId, entry.ModeratorName), entry.Action, entry.TargetId, entry.Reason);
}
