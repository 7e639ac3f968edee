namespace LiveCommunity.Server.Storage;

// Rows as the database keeps them. Wire shapes live next to their feature (Topics/Topic.cs, Replies/Reply.cs)
// and are produced by AsXxx() mappings, so a schema change never leaks onto the wire by accident.

public sealed class UserEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public bool Banned { get; set; }
    public string? BanReason { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class TopicEntity
{
    public required string Id { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public List<string> SourceUrls { get; set; } = [];
    public required string AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool Locked { get; set; }
    /// <summary>Visible (not removed) replies; kept in step by the same statement that takes the next seq.</summary>
    public int ReplyCount { get; set; }
    /// <summary>The seq of the topic's newest event; only ever raised by <c>UPDATE … RETURNING</c>.</summary>
    public long LastSeq { get; set; }
}

public sealed class ReplyEntity
{
    public required string Id { get; set; }
    public required string TopicId { get; set; }
    public string? ParentId { get; set; }
    public required string AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
    /// <summary>The seq of its ReplyPosted event: the reply's place in the thread, and the paging key.</summary>
    public long Seq { get; set; }
    public bool Removed { get; set; }
    public DateTime? RemovedAt { get; set; }
    public string? RemovedById { get; set; }
    public string? RemovedReason { get; set; }
}

/// <summary>One user's reaction of one kind on one target (a topic or a reply).</summary>
public sealed class ReactionEntity
{
    public required string TargetId { get; set; }
    public required string UserId { get; set; }
    public required string Kind { get; set; }
    public required string TopicId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Running count per target and kind, so reading counts never scans reactions.</summary>
public sealed class ReactionCountEntity
{
    public required string TargetId { get; set; }
    public required string Kind { get; set; }
    public int Count { get; set; }
}

/// <summary>The per-topic event log that Watch replays from.</summary>
public sealed class TopicEventEntity
{
    public required string TopicId { get; set; }
    public long Seq { get; set; }
    public required string Type { get; set; }
    /// <summary>The reply the event is about, so a removal can scrub every earlier event of it.</summary>
    public string? ReplyId { get; set; }
    /// <summary>The event as JSON (with its type); null once scrubbed by a removal.</summary>
    public string? Data { get; set; }
    public DateTime At { get; set; }
}

public sealed class ModerationEntryEntity
{
    public required string Id { get; set; }
    public DateTime At { get; set; }
    public required string ModeratorId { get; set; }
    public required string ModeratorName { get; set; }
    public required string Action { get; set; }
    public required string TargetId { get; set; }
    public string? Reason { get; set; }
}
