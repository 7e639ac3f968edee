using System.Text.Json.Serialization;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Protocol;

/// <summary>A reply as PROTOCOL.md shapes it on the wire. A reply readers may not see is never turned into one for them.</summary>
/// <param name="Seq">The seq of its ReplyPosted: its place in the thread. Null while it is held for review.</param>
public sealed record Reply(
    string Id,
    string TopicId,
    string? ParentId,
    Author Author,
    string Body,
    DateTime CreatedAt,
    DateTime? EditedAt,
    IReadOnlyDictionary<string, int> Reactions,
    long? Seq)
{
    /// <summary>The reaction kinds the caller has set on it: REST answers only (events never carry it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Mine { get; init; }

    /// <summary>Lifted by the newsroom (PROTOCOL.md v3 "Featured replies"); changed live by ReplyFeatured.</summary>
    public bool Featured { get; init; }

    /// <summary><c>pending</c> when the reply is held for review (the 202 answer); absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }
}

public sealed record NewReply(string? Body, string? ParentId);
public sealed record ReplyEdit(string? Body);

/// <summary>GET …/replies: one page plus the topic's seq read before the page, to pass to Watch.</summary>
public sealed record ReplyPage(IReadOnlyList<Reply> Items, string? NextCursor, long LastSeq);

public static class ReplyMappings
{
    public const string PendingStatus = "pending";

    public static Reply AsReply(this ReplyEntity reply, IReadOnlyDictionary<string, int> reactions) => new(
        reply.Id, reply.TopicId, reply.ParentId, new Author(reply.AuthorId, reply.AuthorName) { Badge = reply.AuthorBadge }, reply.Body,
        reply.CreatedAt, reply.EditedAt, reactions, reply.Seq)
    {
        Status = reply.State == ReplyState.Pending ? PendingStatus : null,
        Featured = reply.Featured,
    };
}
