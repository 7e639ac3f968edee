using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// What moderation says about a new or edited reply: refused (a blocked word), or held for a moderator before
/// anyone else sees it. Moderation implements it: moderation sits above replies (its decisions are reply
/// commands), so replies only know this hook.
/// </summary>
public interface IPreModeration
{
    /// <summary>A rejection naming the rule and the word, or null when the text passes.</summary>
    Rejection? Check(string field, string text);

    /// <summary>Tells moderators watching the queue that a held reply came or went.</summary>
    QueueNotifier Queue { get; }

    Task<bool> HoldsAsync(WriteContext write, Caller author, string body, CancellationToken ct);
}

/// <summary>
/// Erases a reply whose caller and reason were checked: removed for readers and its text deleted from storage, the
/// database files included (a stored moderation job), before it answers. Moderation implements it.
/// </summary>
public interface IReplyErasure
{
    Task<Outcome<bool>> EraseAsync(Caller admin, string topicId, string replyId, string? reason, CancellationToken ct);
}
