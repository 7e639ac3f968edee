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

/// <summary>One reader muting another: lists for <see cref="UserId"/> leave out replies by <see cref="MutedUserId"/>.</summary>
public sealed class MuteEntity
{
    public required string UserId { get; set; }
    public required string MutedUserId { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class TopicEntity
{
    public required string Id { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public List<string> SourceUrls { get; set; } = [];
    public required string AuthorId { get; set; }
    public required string AuthorName { get; set; }
    /// <summary>The author's <c>badge</c> claim at write time (e.g. "Reporter"); null: none.</summary>
    public string? AuthorBadge { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool Locked { get; set; }
    /// <summary>Every new reply is held for review before readers see it.</summary>
    public bool Premoderated { get; set; }
    /// <summary>Visible (not removed) replies; kept in step by the same statement that takes the next seq.</summary>
    public int ReplyCount { get; set; }
    /// <summary>The seq of the topic's newest event; only ever raised by <c>UPDATE … RETURNING</c>.</summary>
    public long LastSeq { get; set; }
    /// <summary>The host site's own id of the story this topic discusses (unique; null for topics made here).</summary>
    public string? ArticleId { get; set; }
    /// <summary>The article's page on the host site.</summary>
    public string? Url { get; set; }
    /// <summary>When it stops taking replies; null: never.</summary>
    public DateTime? ClosesAt { get; set; }
    /// <summary>Set (with TopicUpdated) by the close sweep once <see cref="ClosesAt"/> has passed.</summary>
    public bool Closed { get; set; }
    /// <summary>Live updates not deleted; changed by the command that posts or deletes one, in its transaction.</summary>
    public int UpdateCount { get; set; }
    /// <summary>
    /// The seq of the topic's newest UpdatePosted/UpdateEdited/UpdateRemoved (0: none yet): what an updates-only
    /// watcher (<c>WatchUpdates</c>) must have applied; set by the batch that appends the event.
    /// </summary>
    public long LastUpdateSeq { get; set; }
}

public sealed class ReplyEntity
{
    public required string Id { get; set; }
    public required string TopicId { get; set; }
    public string? ParentId { get; set; }
    public required string AuthorId { get; set; }
    public required string AuthorName { get; set; }
    /// <summary>The author's <c>badge</c> claim when the reply was posted: replies show it as it was then.</summary>
    public string? AuthorBadge { get; set; }
    /// <summary>Lifted by the newsroom (PUT /replies/{id}/featured); only ever changed with a ReplyFeatured event.</summary>
    public bool Featured { get; set; }
    private string body = "";

    /// <summary>Setting the text sets <see cref="BodyHash"/>, so the two never disagree.</summary>
    public required string Body
    {
        get => body;
        set
        {
            body = value;
            BodyHash = ReplyBodyHash.Of(value);
        }
    }

    /// <summary>
    /// A hash of <see cref="Body"/>, so the duplicate check finds the same text by one index search (author,
    /// topic, hash, time) instead of comparing every recent reply's text. Read back from the row, never recomputed
    /// on load (EF fills the <c>body</c> field directly).
    /// </summary>
    public long BodyHash { get; private set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
    /// <summary>
    /// The seq of its ReplyPosted event: the reply's place in the thread, and the paging key. Null while it is
    /// held for review and has never been published.
    /// </summary>
    public long? Seq { get; set; }
    public ReplyState State { get; set; }
    public DateTime? RemovedAt { get; set; }
    public string? RemovedById { get; set; }
    public string? RemovedReason { get; set; }
    /// <summary>Erased for a legal takedown: the text is gone from storage and the reply cannot come back.</summary>
    public bool Erased { get; set; }
    /// <summary>In the moderators' queue: <c>reported</c> or <c>pending</c>; null when not queued.</summary>
    public string? QueueState { get; set; }
    /// <summary>When it entered the queue (first report, or when it was held); the queue's order.</summary>
    public DateTime? QueuedAt { get; set; }
    /// <summary>Distinct readers who reported it since it was last reviewed.</summary>
    public int ReportCount { get; set; }
    /// <summary>
    /// Raised by every edit of its text, so a moderator's approve names the text they read (a stale one is 409).
    /// </summary>
    public int Version { get; set; }
    /// <summary>
    /// Its reactions weighed by Reactions:Score (?order=top), set in the transaction that changes its counts, and
    /// recomputed at start when the weights changed (<see cref="ReplyScores"/>).
    /// </summary>
    public long Score { get; set; }
    /// <summary>
    /// The topic's next seq when <see cref="Score"/> last changed: a top-order walk that began at lastSeq S leaves
    /// out, after its first page, replies whose ScoreSeq exceeds S (they may have moved), so none is listed twice.
    /// </summary>
    public long ScoreSeq { get; set; }
}

/// <summary>Who may see a reply. Only <see cref="Published"/> replies reach readers, by any path.</summary>
public enum ReplyState
{
    Published = 0,
    /// <summary>Held by pre-moderation: never published, seen only by its author and moderators.</summary>
    Pending = 1,
    /// <summary>Hidden after enough reports until a moderator decides; readers were told it was removed.</summary>
    Hidden = 2,
    Removed = 3,
}

/// <summary>One reader's report of one reply (once per reader: the key makes reporting again a no-op).</summary>
public sealed class ReportEntity
{
    public required string ReplyId { get; set; }
    public required string ReporterId { get; set; }
    public required string Reason { get; set; }
    public string? Note { get; set; }
    public DateTime At { get; set; }
    /// <summary>
    /// Whether the reporter had standing (Moderation:MinReporterAge) when reporting: only such reports count
    /// towards hiding the reply automatically. Every report reaches the queue.
    /// </summary>
    public bool Counts { get; set; }
    /// <summary>
    /// When a moderator approved the reply over this report. The row stays, so the same reader reporting the
    /// same reply again is a no-op: a dismissed report never counts again.
    /// </summary>
    public DateTime? DismissedAt { get; set; }
}

/// <summary>
/// Moderation work that spans many topics (remove or erase every reply of a user). Stored in the transaction
/// that decides it, so a crash or restart never leaves it silently half done: whichever instance holds the
/// lease finishes it.
/// </summary>
public sealed class ModerationJobEntity
{
    public required string Id { get; set; }
    public required string Kind { get; set; }
    public required string UserId { get; set; }
    public required string ModeratorId { get; set; }
    public required string ModeratorName { get; set; }
    public required string ModeratorRole { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>An instance working on it holds it until then; after that any instance may take it over.</summary>
    public DateTime? LeasedUntil { get; set; }
    public DateTime? CompletedAt { get; set; }
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

/// <summary>
/// A reaction target whose stored counts changed without a ReactionsChanged yet: its last event was younger
/// than the coalescing window, so the event follows at the window's end. Written in the transaction that
/// changed the counts and removed in the one that appends the event, so a crash in between leaves this row, and
/// the recovery sweep sends the event (no stored change is ever left without one).
/// </summary>
public sealed class PendingReactionEventEntity
{
    public required string TargetId { get; set; }
    public required string TopicId { get; set; }
    public string? ReplyId { get; set; }
    public DateTime Since { get; set; }
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

/// <summary>A named value the server keeps for itself (the fingerprint of the score weights the stored scores used).</summary>
public sealed class ServerSettingEntity
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
