using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// One notification for one reader (PROTOCOL.md v3 "Notifications"). It keeps ids only: the topic's title and
/// the reply's excerpt are read from their rows when listed, so a removal or an erasure leaves no copy of the
/// text here. <see cref="Id"/> is a version 7 GUID, so ordering by it is newest first.
/// </summary>
public sealed class NotificationEntity
{
    public required string Id { get; set; }
    /// <summary>The reader it is for.</summary>
    public required string UserId { get; set; }
    /// <summary><c>reply</c>, <c>featured</c>, <c>approved</c> or <c>rejected</c>.</summary>
    public required string Kind { get; set; }
    public required string TopicId { get; set; }
    /// <summary>The reply it is about: the answer for <c>reply</c>, the reader's own reply for the others.</summary>
    public required string ReplyId { get; set; }
    /// <summary>Who caused it; null for decisions made in the newsroom's name (PROTOCOL.md: <c>from: null</c>).</summary>
    public string? FromId { get; set; }
    public string? FromName { get; set; }
    public DateTime At { get; set; }
    /// <summary>When the reader marked it read; null: unread.</summary>
    public DateTime? ReadAt { get; set; }
}

internal static class NotificationModel
{
    public static void Configure(ModelBuilder model) => model.Entity<NotificationEntity>(n =>
    {
        n.ToTable("Notifications");
        n.Property(x => x.Kind).HasMaxLength(16);
        n.Property(x => x.FromName).HasMaxLength(200);
        // A reader's list, newest first, and the sweep's "beyond the newest N": one range of this index.
        n.HasIndex(x => new { x.UserId, x.Id });
        // A reader's unread count: the range (UserId, ReadAt IS NULL), never the rows.
        n.HasIndex(x => new { x.UserId, x.ReadAt });
        // A removal withdraws the notifications about its reply.
        n.HasIndex(x => x.ReplyId);
        // Retention: the oldest first.
        n.HasIndex(x => x.At);
    });
}
