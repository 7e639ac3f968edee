using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// Removes a reply (its author, or a moderator). Removing a removed reply changes nothing. The removal scrubs
/// the reply's text from the event log in the same transaction, so replay can never send it again.
/// </summary>
internal sealed class RemoveReplyCommand(Caller caller, string topicId, string replyId, string? reason, QueueNotifier queue, Notifier notifier)
    : WriteCommand<bool>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (await write.ReplyAsync(replyId, ct) is not { } reply)
        {
            return WriteContext.ReplyNotFound;
        }
        var byModerator = reply.AuthorId != caller.Id;
        if (byModerator && !caller.IsModerator)
        {
            return Rejection.Forbidden("only its author or a moderator may remove a reply");
        }
        if (reply.State == ReplyState.Removed)
        {
            return true; // idempotent: nothing changes, nothing is announced
        }
        if (await Remove(write, reply, caller, byModerator ? reason : null, notifier, ct))
        {
            write.AfterCommit(() => queue.Changed(reply.Id, reply.TopicId, QueueStates.Rejected));
        }
        if (byModerator)
        {
            write.Audit(caller, ModerationActions.Remove, reply.Id, reason);
        }
        return true;
    }

    /// <summary>
    /// Marks a tracked reply removed. Readers who could see it get ReplyRemoved (and every logged event of it is
    /// scrubbed); one they could not see (held, hidden) leaves without an event. True when it left the
    /// moderation queue (the caller tells the moderators). Its unread notifications go with it.
    /// </summary>
    public static async Task<bool> Remove(WriteContext write, ReplyEntity reply, Caller by, string? moderationReason, Notifier notifier, CancellationToken ct)
    {
        var wasQueued = reply.QueueState is not null;
        var wasPublished = reply.State == ReplyState.Published;
        reply.State = ReplyState.Removed;
        reply.RemovedAt = write.Now;
        reply.RemovedById = by.Id;
        reply.RemovedReason = moderationReason;
        reply.QueueState = null;
        reply.QueuedAt = null;
        await notifier.WithdrawAsync(write, reply.Id, ct);
        if (wasPublished)
        {
            write.Topic!.ReplyCount--;
            await EventLog.ScrubReplyAsync(write.Db, reply.TopicId, reply.Id, ct);
            write.Append(seq => new ReplyRemovedEvent(reply.TopicId, seq, reply.Id));
        }
        return wasQueued;
    }
}
