using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Erasure for legal takedowns (admins): the reply is removed for readers (ReplyRemoved if they could see it)
/// and its text is deleted from storage: the row's body, every logged event that carried it and the notes of
/// its reports. It can never be restored. Erasing an erased reply changes nothing. In the same transaction it
/// stores the job that gets the text out of the database files (answers the job: id, and whether it is new).
/// </summary>
internal sealed class EraseReplyCommand(Caller caller, string topicId, string replyId, string? reason, QueueNotifier queue, Notifier notifier, TimeSpan lease)
    : WriteCommand<(string Id, bool New)>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<(string Id, bool New)>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var reply = await write.Db.Replies.FirstOrDefaultAsync(r => r.Id == replyId && r.TopicId == topicId, ct);
        if (reply is null || write.Topic is null)
        {
            return Rejection.NotFound("reply not found");
        }
        if (!reply.Erased)
        {
            await Erase(write, reply, caller, reason, queue, notifier, ct);
        }
        // Also when erased before: the call answers once the files are clean, and waits for a compaction still going on.
        return await ModerationJobs.FindOrAddAsync(write.Db, ModerationJobs.EraseReply, reply.Id, caller, reason, write.Now, lease, ct);
    }

    public static async Task Erase(WriteContext write, ReplyEntity reply, Caller by, string? reason, QueueNotifier queue, Notifier notifier, CancellationToken ct)
    {
        if (reply.State != ReplyState.Removed && await RemoveReplyCommand.Remove(write, reply, by, reason, notifier, ct))
        {
            write.AfterCommit(() => queue.Changed(reply.Id, reply.TopicId, QueueStates.Rejected));
        }
        // The removal scrubbed the log already; scrubbing again covers a reply removed before erasure existed.
        await EventLog.ScrubReplyAsync(write.Db, reply.TopicId, reply.Id, ct);
        // Readers' notes may quote the text; the reply can never come back, so its reports have nothing left to say.
        await write.Db.Reports.Where(r => r.ReplyId == reply.Id).ExecuteDeleteAsync(ct);
        await Webhooks.WebhookEvents.ForgetReplyAsync(write.Db, reply.Id, ct);
        reply.Body = "";
        reply.Erased = true;
        write.Audit(by, ModerationActions.Erase, reply.Id, reason);
    }
}

/// <summary>
/// Starts erasing everything a user wrote: a stored job, finished even across a crash (admins). While one is
/// still running for that user, a repeat waits for it instead of starting another.
/// </summary>
internal sealed class StartErasureCommand(Caller caller, string userId, string? reason, TimeSpan lease) : WriteCommand<(string Id, bool New)>
{
    public override string? TopicId => null;

    public override Caller? Writer => caller;

    public override async Task<Outcome<(string Id, bool New)>> ExecuteAsync(WriteContext write, CancellationToken ct) =>
        await ModerationJobs.FindOrAddAsync(write.Db, ModerationJobs.EraseReplies, userId, caller, reason, write.Now, lease, ct);
}

/// <summary>How an erasure call answers: 204 once the text is gone from rows and files, else 503 while the stored job goes on.</summary>
public static class Erasures
{
    public static async Task<Outcome<bool>> AnswerAsync(ModerationJobs jobs, Outcome<(string Id, bool New)> started, TimeSpan within, CancellationToken ct)
    {
        if (started.Rejection is { } rejection)
        {
            return rejection;
        }
        var (id, ours) = started.Value;
        return await jobs.WaitAsync(id, ours, within, ct)
            ? true
            : Rejection.Busy(TimeSpan.FromSeconds(5)) with
            {
                Detail = "the erasure is stored and still going on (the database files are busy); it finishes by itself: repeat the call to learn when it is done",
            };
    }
}
