using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// A new reply: checked against the topic as it is in the batch, then given the topic's next seq, or held
/// for review (pending queue, no event, no seq) when pre-moderation says so.
/// </summary>
internal sealed class PostReplyCommand(Caller caller, string topicId, string body, string? parentId, ReactionCounts counts, TimeSpan duplicateWindow,
    Notifier notifier, IPreModeration? preModeration = null)
    : WriteCommand<Reply>
{
    public override string TopicId => topicId;

    public override Caller? Writer => caller;

    public string AuthorId => caller.Id;

    public string Body => body;

    public long BodyHash { get; } = ReplyBodyHash.Of(body);

    public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (write.Topic is not { } topic)
        {
            return Rejection.NotFound("topic not found");
        }
        if (topic.Locked)
        {
            return Rejection.Conflict("topic is locked: it takes no new replies");
        }
        if (topic.Closed || topic.ClosesAt <= write.Now)
        {
            return Rejection.Conflict("closed");
        }
        var db = write.Db;
        // Catches double submits and copy-paste floods; the exact text, so a corrected retry still goes through.
        // One search of the (author, topic, hash, time) index for the whole batch, whatever the topic's size or
        // how fast the author posts; the text is compared too, so a hash collision refuses nothing.
        var recent = duplicateWindow > TimeSpan.Zero ? write.Shared(() => new RecentReplies()) : null;
        if (recent is not null && await recent.ContainsAsync(write, this, duplicateWindow, ct))
        {
            return Rejection.Conflict("you just posted the same reply in this topic");
        }
        // The parent's author and whether they muted this one come with the check: the notification needs no query of its own.
        var parent = parentId is null ? null : await AnsweredReplies.FindAsync(db, parentId, caller.Id, ct);
        if (parentId is not null)
        {
            if (parent is null || parent.TopicId != topic.Id || parent.State == ReplyState.Pending)
            {
                return Rejection.Invalid("parentId", "must be a reply in the same topic");
            }
            if (parent.State != ReplyState.Published)
            {
                return Rejection.Conflict("the reply you are answering was removed");
            }
        }
        var reply = new ReplyEntity
        {
            Id = Ids.NewReplyId(),
            TopicId = topic.Id,
            ParentId = parentId,
            AuthorId = caller.Id,
            AuthorName = caller.Name,
            AuthorBadge = caller.Badge,
            Body = body,
            CreatedAt = write.Now,
        };
        db.Replies.Add(reply);
        recent?.Add(write, this);
        if (preModeration is not null && await preModeration.HoldsAsync(write, caller, body, ct))
        {
            reply.State = ReplyState.Pending;
            reply.QueueState = QueueStates.Pending;
            reply.QueuedAt = write.Now;
            var held = reply.AsReply(counts.Zero());
            write.Webhook(Webhooks.WebhookEvents.ReplyHeld, Webhooks.WebhookEvents.HeldData(topic, held));
            write.AfterCommit(() => preModeration.Queue.Changed(reply.Id, topic.Id, QueueStates.Pending));
            return held;
        }
        topic.ReplyCount++;
        if (parent is not null)
        {
            await notifier.AddAsync(write, parent.AuthorId, caller.Id, NotificationKinds.Reply, topic.Id, reply.Id, caller, ct, parent.Muted);
        }
        write.Append(seq =>
        {
            reply.Seq = seq;
            return new ReplyPostedEvent(topic.Id, seq, reply.AsReply(counts.Zero()));
        });
        return reply.AsReply(counts.Zero());
    }
}
