using System.Text.Json.Serialization;

namespace LiveCommunity.Server.Protocol;

// Notifications (PROTOCOL.md v3 "Notifications"): per reader, no seq. Sent to every connection of the reader
// (the hub's user is the token's sub), whatever topics it watches.

/// <summary>The topic a notification is in, enough to show and link it.</summary>
public sealed record NotificationTopic(string Id, string Title, string? ArticleId, string? Url);

/// <summary>Who caused a notification; null on the wire for the newsroom's decisions.</summary>
public sealed record NotificationSender(string Id, string Name);

public sealed record Notification(
    string Id, string Kind, NotificationTopic Topic, string ReplyId, NotificationSender? From,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Excerpt,
    DateTime At, bool Read)
{
    /// <summary>Longest excerpt of the reply's text, in UTF-16 code units (a JavaScript string's length).</summary>
    public const int MaxExcerpt = 140;
}

public static class NotificationKinds
{
    public const string Reply = "reply";
    public const string Featured = "featured";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

/// <summary>A new notification, with the reader's unread count after it.</summary>
public sealed record NotifiedEvent(Notification Notification, int Unread);

/// <summary>The reader's unread count went down (marked read here or elsewhere, or a notification was withdrawn).</summary>
public sealed record NotificationsReadEvent(int Unread);

/// <summary>GET /api/me/notifications.</summary>
public sealed record NotificationPage(IReadOnlyList<Notification> Items, string? NextCursor, int Unread);

/// <summary>POST /api/me/notifications/read: all, or those up to and including <see cref="UpTo"/>.</summary>
public sealed record MarkRead(string? UpTo);

/// <summary>What marking read answers.</summary>
public sealed record UnreadCount(int Unread);
