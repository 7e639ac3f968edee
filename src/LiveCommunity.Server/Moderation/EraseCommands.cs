using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Erasure for legal takedowns (admins): the reply is removed for readers (ReplyRemoved if they could see it)
/// and its text is deleted from storage: the row's body and every logged event that carried it. It can never
/// be restored. Erasing an erased reply changes nothing.
/// </summary>
internal sealed class EraseReplyCommand(Caller caller, string topicId, string replyId, string? reason, QueueNotifier queue) : WriteCommand<bool>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var reply = await write.Db.Replies.FirstOrDefaultAsync(r => r.Id == replyId && r.TopicId == topicId, ct);
        if (reply is null || write.Topic is null)
        {
            return Rejection.NotFound("reply not found");
        }
        if (!reply.Erased)
        {
            await Erase(write, reply, caller, reason, queue, ct);
        }
        return true;
    }

    public static async Task Erase(WriteContext write, ReplyEntity reply, Caller by, string? reason, QueueNotifier queue, CancellationToken ct)
    {
        if (reply.State != ReplyState.Removed && await RemoveReplyCommand.Remove(write, reply, by, reason, ct))
        {
            write.AfterCommit(() => queue.Changed(reply.Id, reply.TopicId, QueueStates.Rejected));
        }
        // The removal scrubbed the log already; scrubbing again covers a reply removed before erasure existed.
        await Realtime.EventLog.ScrubReplyAsync(write.Db, reply.TopicId, reply.Id, ct);
        reply.Body = "";
        reply.Erased = true;
        write.Audit(by, ModerationActions.Erase, reply.Id, reason);
    }
}

/// <summary>One step of erasing a user's content in one topic (a job): up to <paramref name="max"/> replies.</summary>
internal sealed class EraseRepliesOfCommand(string topicId, string userId, Caller moderator, string? reason, int max, QueueNotifier queue)
    : WriteCommand<int>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => null;

    public override async Task<Outcome<int>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var replies = await write.Db.Replies
            .Where(r => r.TopicId == topicId && r.AuthorId == userId && !r.Erased)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Take(max)
            .ToListAsync(ct);
        foreach (var reply in replies)
        {
            await EraseReplyCommand.Erase(write, reply, moderator, reason, queue, ct);
        }
        return replies.Count;
    }
}

/// <summary>Starts erasing everything a user wrote: a stored job, finished even across a crash (admins).</summary>
internal sealed class StartErasureCommand(Caller caller, string userId, string? reason, TimeSpan lease) : WriteCommand<string>
{
    public override string? TopicId => null;

    public override Caller? Writer => caller;

    public override Task<Outcome<string>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var job = ModerationJobs.NewJob(ModerationJobs.EraseReplies, userId, caller, reason, write.Now, lease);
        write.Db.ModerationJobs.Add(job);
        return Task.FromResult<Outcome<string>>(job.Id);
    }
}
