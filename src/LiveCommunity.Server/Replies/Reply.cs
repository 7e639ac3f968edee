using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Replies;

/// <summary>A reply as PROTOCOL.md shapes it on the wire. A removed reply is never turned into one.</summary>
public sealed record Reply(
    string Id,
    string TopicId,
    string? ParentId,
    Author Author,
    string Body,
    DateTime CreatedAt,
    DateTime? EditedAt,
    IReadOnlyDictionary<string, int> Reactions);

public sealed record NewReply(string? Body, string? ParentId);
public sealed record ReplyEdit(string? Body);

/// <summary>GET …/replies: one page plus the topic's seq read before the page, to pass to Watch.</summary>
public sealed record ReplyPage(IReadOnlyList<Reply> Items, string? NextCursor, long LastSeq);

public static class ReplyMappings
{
    public static Reply AsReply(this ReplyEntity reply, IReadOnlyDictionary<string, int> reactions) => new(
        reply.Id, reply.TopicId, reply.ParentId, new Author(reply.AuthorId, reply.AuthorName), reply.Body,
        reply.CreatedAt, reply.EditedAt, reactions);
}
