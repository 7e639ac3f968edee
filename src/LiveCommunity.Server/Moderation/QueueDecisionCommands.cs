using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// A moderator approves a queued reply: a held one is published (ReplyPosted with the topic's next seq), a
/// hidden one comes back (ReplyRestored), a reported one stays. Its reports are dismissed, not deleted: the
/// rows stay, so the same readers reporting it again change nothing. With a <paramref name="version"/>, the
/// approval holds only for the text of that version: if the author edited it since, 409.
/// </summary>
internal sealed class ApproveCommand(Caller caller, string topicId, string replyId, int? version, QueueNotifier queue, Notifier notifier) : WriteCommand<Reply>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var reply = await write.Db.Replies.FirstOrDefaultAsync(r => r.Id == replyId && r.TopicId == topicId, ct);
        if (reply is null || write.Topic is not { } topic)
        {
            return Rejection.NotFound("reply not found");
        }
        if (reply.QueueState is null)
        {
            return Rejection.Conflict("the reply is not in the moderation queue");
        }
        if (version is { } seen && seen != reply.Version)
        {
            return Rejection.Conflict($"the reply was edited after you loaded it (version {seen}, now {reply.Version}): reload the queue and read it again");
        }
        var counts = await write.Reactions.CountsAsync(topic.Id, reply.Id, ct);
        var wasVisible = reply.State == ReplyState.Published;
        var wasHeld = reply.QueueState == QueueStates.Pending;
        reply.State = ReplyState.Published;
        reply.QueueState = null;
        reply.QueuedAt = null;
        reply.ReportCount = 0;
        var now = write.Now;
        await write.Db.Reports.Where(r => r.ReplyId == reply.Id && r.DismissedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.DismissedAt, now), ct);
        write.Audit(caller, ModerationActions.Approve, reply.Id);
        write.Webhook(Webhooks.WebhookEvents.QueueDecided, Webhooks.WebhookEvents.DecisionData(topic, reply.Id, QueueStates.Approved, caller, null));
        write.AfterCommit(() => queue.Changed(reply.Id, topic.Id, QueueStates.Approved));
        if (wasHeld)
        {
            await notifier.DecidedAsync(write, reply, caller, NotificationKinds.Approved, ct);
        }
        if (wasVisible)
        {
            return reply.AsReply(counts);
        }
        if (reply.Seq is null)
        {
            await notifier.RepliedAsync(write, reply, ct); // first published now: the parent's author hears of the answer
        }
        topic.ReplyCount++;
        return RestoreReplyCommand.Publish(write, reply, counts);
    }
}

/// <summary>A moderator rejects a queued reply: it is removed (ReplyRemoved where readers had seen it).</summary>
internal sealed class RejectCommand(Caller caller, string topicId, string replyId, string? reason, QueueNotifier queue, Notifier notifier) : WriteCommand<bool>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var reply = await write.Db.Replies.FirstOrDefaultAsync(r => r.Id == replyId && r.TopicId == topicId, ct);
        if (reply is null || write.Topic is not { } topic)
        {
            return Rejection.NotFound("reply not found");
        }
        if (reply.QueueState is null)
        {
            return Rejection.Conflict("the reply is not in the moderation queue");
        }
        var wasHeld = reply.QueueState == QueueStates.Pending;
        await RemoveReplyCommand.Remove(write, reply, caller, reason, notifier, ct);
        if (wasHeld)
        {
            await notifier.DecidedAsync(write, reply, caller, NotificationKinds.Rejected, ct);
        }
        write.Audit(caller, ModerationActions.Reject, reply.Id, reason);
        write.Webhook(Webhooks.WebhookEvents.QueueDecided, Webhooks.WebhookEvents.DecisionData(topic, reply.Id, QueueStates.Rejected, caller, reason));
        write.AfterCommit(() => queue.Changed(reply.Id, reply.TopicId, QueueStates.Rejected));
        return true;
    }
}
