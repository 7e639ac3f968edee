namespace LiveCommunity.Server.Storage;

/// <summary>
/// A live update of a topic (PROTOCOL.md v3 "Live updates"). Deleted updates are deleted rows: nothing of them is
/// served again. The quote is a copy of the reply's author and text when quoted, cleared (all five columns) in
/// the same transaction that takes the reply off readers' pages.
/// </summary>
public sealed class UpdateEntity
{
    public required string Id { get; set; }
    public required string TopicId { get; set; }
    /// <summary>The seq of its UpdatePosted.</summary>
    public long Seq { get; set; }
    public required string AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public string? AuthorBadge { get; set; }
    /// <summary>The author's limited Markdown, verbatim.</summary>
    public required string Body { get; set; }
    /// <summary>The sanitized rendering of <see cref="Body"/>, made on write so reads never pay for the sanitizer.</summary>
    public required string Html { get; set; }
    public bool KeyEvent { get; set; }
    public bool Pinned { get; set; }
    public string? QuoteReplyId { get; set; }
    public string? QuoteAuthorId { get; set; }
    public string? QuoteAuthorName { get; set; }
    public string? QuoteAuthorBadge { get; set; }
    public string? QuoteBody { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
}
