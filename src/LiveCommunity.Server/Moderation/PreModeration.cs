using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Decides whether a new reply waits for a moderator before anyone else sees it: the topic is premoderated,
/// its author is new (fewer than Moderation:PremoderateFirstReplies published replies), or it contains a
/// suspect word. Moderators' and admins' replies are never held.
/// </summary>
public sealed class PreModeration(ContentRules rules, IOptions<ModerationOptions> options, QueueNotifier queue) : IPreModeration
{
    public QueueNotifier Queue { get; } = queue;

    public Rejection? Check(string field, string text) => rules.Check(field, text);

    public async Task<bool> HoldsAsync(WriteContext write, Caller author, string body, CancellationToken ct)
    {
        if (author.IsModerator)
        {
            return false;
        }
        if (write.Topic is { Premoderated: true } || rules.IsSuspect(body))
        {
            return true;
        }
        var firstReplies = options.Value.PremoderateFirstReplies;
        return firstReplies > 0 && await write.Db.Replies.AsNoTracking()
            .Where(r => r.AuthorId == author.Id && r.State == ReplyState.Published)
            .Take(firstReplies).CountAsync(ct) < firstReplies;
    }
}
