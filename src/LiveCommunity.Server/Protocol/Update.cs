using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Protocol;

/// <summary>
/// A live update from the newsroom as PROTOCOL.md v3 shapes it. <c>Body</c> is the author's limited Markdown;
/// <c>Html</c> is the server's sanitized rendering of it, made once when it was written.
/// </summary>
/// <param name="Seq">The seq of its UpdatePosted: its place in the topic's stream.</param>
public sealed record Update(
    string Id,
    string TopicId,
    long Seq,
    Author Author,
    string Body,
    string Html,
    bool KeyEvent,
    bool Pinned,
    Quote? Quote,
    DateTime CreatedAt,
    DateTime? EditedAt);

/// <summary>A reader's reply quoted by an update, as it read when quoted; gone (null) once the reply is.</summary>
public sealed record Quote(string ReplyId, Author Author, string Body);

public sealed record NewUpdate(string? Body, bool? KeyEvent, bool? Pinned, string? QuoteReplyId);

public sealed record UpdateEdit(string? Body, bool? KeyEvent, bool? Pinned);

/// <summary>GET …/updates: one page (pinned first, then newest first) plus the topic's seq read before it, to pass to Watch.</summary>
public sealed record UpdatePage(IReadOnlyList<Update> Items, string? NextCursor, long LastSeq);

public static class UpdateMappings
{
    public static Update AsUpdate(this UpdateEntity update) => new(
        update.Id, update.TopicId, update.Seq, new Author(update.AuthorId, update.AuthorName) { Badge = update.AuthorBadge },
        update.Body, update.Html, update.KeyEvent, update.Pinned,
        update.QuoteReplyId is null
            ? null
            : new Quote(update.QuoteReplyId, new Author(update.QuoteAuthorId!, update.QuoteAuthorName!) { Badge = update.QuoteAuthorBadge }, update.QuoteBody!),
        update.CreatedAt, update.EditedAt);
}
