using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// A new live update, given the topic's next seq (UpdatePosted). A quote copies the reply as it reads now; the
/// reply must be published in the same topic, checked here in the batch so a removal queued before it wins.
/// </summary>
internal sealed class PostUpdateCommand(Caller caller, string topicId, string body, string html, bool keyEvent, bool pinned, string? quoteReplyId,
    int maxPerTopic)
    : WriteCommand<Update>
{
    public override string TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Update>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (write.Topic is not { } topic)
        {
            return Rejection.NotFound("topic not found");
        }
        if (topic.UpdateCount >= maxPerTopic)
        {
            return Rejection.Conflict($"the topic has {maxPerTopic} updates, the most it may have; delete some first");
        }
        var update = new UpdateEntity
        {
            Id = Ids.NewUpdateId(),
            TopicId = topic.Id,
            AuthorId = caller.Id,
            AuthorName = caller.Name,
            AuthorBadge = caller.Badge,
            Body = body,
            Html = html,
            KeyEvent = keyEvent,
            Pinned = pinned,
            CreatedAt = write.Now,
        };
        if (quoteReplyId is not null)
        {
            var quoted = await write.Db.Replies.AsNoTracking()
                .Where(r => r.Id == quoteReplyId)
                .Select(r => new { r.TopicId, r.State, r.AuthorId, r.AuthorName, r.AuthorBadge, r.Body })
                .FirstOrDefaultAsync(ct);
            // A held reply is nobody's to quote: answered as if it did not exist, as for a reply's parentId.
            if (quoted is null || quoted.TopicId != topic.Id || quoted.State == ReplyState.Pending)
            {
                return Rejection.Invalid("quoteReplyId", "must be a published reply of this topic");
            }
            if (quoted.State != ReplyState.Published)
            {
                return Rejection.Conflict("the reply to quote was removed");
            }
            (update.QuoteReplyId, update.QuoteAuthorId, update.QuoteAuthorName, update.QuoteAuthorBadge, update.QuoteBody) =
                (quoteReplyId, quoted.AuthorId, quoted.AuthorName, quoted.AuthorBadge, quoted.Body);
        }
        write.Db.Updates.Add(update);
        await UpdateRows.ChangeCountAsync(write, topic, +1, ct);
        write.Append(seq =>
        {
            update.Seq = seq;
            return new UpdatePostedEvent(topic.Id, seq, update.AsUpdate());
        });
        return update.AsUpdate();
    }
}
