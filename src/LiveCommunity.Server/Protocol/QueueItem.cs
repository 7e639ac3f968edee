using LiveCommunity.Server.Replies;

namespace LiveCommunity.Server.Protocol;

// The moderation queue on the wire (PROTOCOL.md v2 "Reader reports and the moderation queue").

/// <summary>A reply waiting for a moderator: reported by readers, or held before anyone saw it.</summary>
/// <param name="Version">Raised by every edit of the reply (v3): approve with it to approve exactly this text.</param>
public sealed record QueueItem(
    Reply Reply, QueueTopic Topic, string State, bool Hidden, IReadOnlyDictionary<string, int> Reports, int ReportCount, DateTime Since,
    int Version);

public sealed record QueueTopic(string Id, string Title);

public sealed record QueueCounts(int Reported, int Pending);

public sealed record QueuePage(IReadOnlyList<QueueItem> Items, string? NextCursor, QueueCounts Counts);

/// <summary>To moderators watching the queue, on every instance; no seq: reload the queue after a reconnect.</summary>
public sealed record QueueChangedEvent(string ReplyId, string TopicId, string State, QueueCounts Counts);

public sealed record QueueWatchResult(QueueCounts Counts);

public sealed record ReportRequest(string? Reason, string? Note);

public sealed record ReportResult(bool Reported);

public sealed record RejectRequest(string? Reason);

/// <summary>The body of an approve; absent or without a version, the reply's current text is approved.</summary>
public sealed record ApproveRequest(int? Version);

public static class QueueStates
{
    public const string Reported = "reported";
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

public static class ReportReasons
{
    public static readonly string[] All = ["spam", "abuse", "off-topic", "other"];
}
