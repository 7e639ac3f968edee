namespace LiveCommunity.Server.Config;

/// <summary>
/// What a client needs to know about this server before its first write: the reaction kinds, the reasons a
/// reader may give for a report, the text limits it should enforce as the reader types, and whether the
/// development token helper exists.
/// </summary>
public sealed record ClientConfig(IReadOnlyList<string> ReactionKinds, IReadOnlyList<string> ReportReasons, TextLimits Limits, bool DevTokens);

/// <summary>
/// Limits in characters (UTF-16 code units, as JavaScript's <c>length</c> counts them) of the trimmed text,
/// and the edit window in seconds.
/// </summary>
public sealed record TextLimits(
    int ReplyMaxLength,
    int TitleMaxLength,
    int TopicBodyMaxLength,
    int ReasonMaxLength,
    int NoteMaxLength,
    int MaxSourceUrls,
    int EditWindowSeconds);
