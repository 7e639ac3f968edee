using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// When a reply leaves readers' pages (ReplyRemoved, whatever made it: a removal, a queue reject, a ban or content
/// job, a report's hiding, an edit held for review, an erasure), every update of the topic quoting it loses the
/// quote in the same transaction: the row's copy is cleared, every logged event of the update is rewritten without
/// it (replay), and watchers get UpdateEdited with <c>quote: null</c>. A later restore of the reply does not bring
/// the quote back.
/// </summary>
internal sealed class QuoteRemoval : IWriteFollower
{
    public async Task FollowAsync(WriteContext write, IReadOnlyList<TopicEvent> appended, CancellationToken ct)
    {
        var removed = appended.OfType<ReplyRemovedEvent>().Select(e => e.ReplyId).ToList();
        if (removed.Count == 0 || write.Topic is not { } topic)
        {
            return;
        }
        var quoting = await write.Db.Updates
            .Where(u => u.QuoteReplyId != null && removed.Contains(u.QuoteReplyId) && u.TopicId == topic.Id)
            .OrderBy(u => u.Seq)
            .ToListAsync(ct);
        foreach (var update in quoting)
        {
            (update.QuoteReplyId, update.QuoteAuthorId, update.QuoteAuthorName, update.QuoteAuthorBadge, update.QuoteBody) = (null, null, null, null, null);
            await EventLog.RewriteAsync(write.Db, topic.Id, update.Id, WithoutQuote, ct);
            var wire = update.AsUpdate();
            write.Append(seq => new UpdateEditedEvent(topic.Id, seq, wire));
        }
    }

    private static TopicEvent WithoutQuote(TopicEvent evt) => evt switch
    {
        UpdatePostedEvent e => e with { Update = e.Update with { Quote = null } },
        UpdateEditedEvent e => e with { Update = e.Update with { Quote = null } },
        _ => evt,
    };
}
