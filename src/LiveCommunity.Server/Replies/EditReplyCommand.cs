using System.Globalization;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// An author's edit within the edit window; a removal that ran earlier (in this batch or before) wins. Every
/// edit raises the reply's version, so a moderator's approve of the text they read fails once it changed. An
/// edit goes through pre-moderation like a new reply: a held reply stays held (moderators hear QueueChanged);
/// a published one that pre-moderation would now hold leaves readers' pages (ReplyRemoved, its text scrubbed
/// from the log) and waits in the pending queue until a moderator approves it (ReplyRestored).
/// </summary>
internal sealed class EditReplyCommand(Caller caller, string topicId, string replyId, string body, TimeSpan editWindow, IPreModeration preModeration)
    : WriteCommand<Reply>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var reply = await write.ReplyAsync(replyId, ct);
        // Held for review (never published, or taken off readers' pages by an earlier edit): only its author may see it.
        var ownHeld = reply is { QueueState: QueueStates.Pending, State: ReplyState.Pending or ReplyState.Hidden } && reply.AuthorId == caller.Id;
        if (reply is null || write.Topic is not { } topic || (reply.State != ReplyState.Published && !ownHeld))
        {
            return WriteContext.ReplyNotFound;
        }
        if (reply.AuthorId != caller.Id)
        {
            return Rejection.Forbidden("only its author may edit a reply");
        }
        if (write.Now - reply.CreatedAt > editWindow)
        {
            return Rejection.Forbidden($"the edit window of {editWindow.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes has closed");
        }
        if (topic.Locked)
        {
            return Rejection.Conflict("topic is locked: its replies can no longer be edited");
        }
        reply.Body = body;
        reply.EditedAt = write.Now;
        reply.Version++;
        var wire = reply.AsReply(await write.Reactions.CountsAsync(topic.Id, reply.Id, ct));
        if (ownHeld)
        {
            // Still held: readers have not seen it and hear nothing; moderators reload the text they judge.
            write.AfterCommit(() => preModeration.Queue.Changed(reply.Id, topic.Id, QueueStates.Pending));
            return wire with { Status = ReplyMappings.PendingStatus };
        }
        if (await preModeration.HoldsAsync(write, caller, body, ct))
        {
            await HoldAsync(write, reply, ct);
            write.Webhook(Webhooks.WebhookEvents.ReplyHeld, Webhooks.WebhookEvents.HeldData(topic, wire with { Status = ReplyMappings.PendingStatus }));
            return wire with { Status = ReplyMappings.PendingStatus };
        }
        write.Append(seq => new ReplyEditedEvent(topic.Id, seq, wire));
        if (reply.QueueState is { } queued)
        {
            write.AfterCommit(() => preModeration.Queue.Changed(reply.Id, topic.Id, queued)); // a reported reply: new text, new version
        }
        return wire;
    }

    // Like a hide after reports: gone for readers (and from replay) until a moderator approves the new text.
    private async Task HoldAsync(WriteContext write, ReplyEntity reply, CancellationToken ct)
    {
        reply.State = ReplyState.Hidden;
        reply.QueueState = QueueStates.Pending;
        reply.QueuedAt ??= write.Now;
        write.Topic!.ReplyCount--;
        await EventLog.ScrubReplyAsync(write.Db, reply.TopicId, reply.Id, ct);
        write.Append(seq => new ReplyRemovedEvent(reply.TopicId, seq, reply.Id));
        write.Audit(AutoModeration.Caller, ModerationActions.Hide, reply.Id, "an edit is held for review");
        write.AfterCommit(() => preModeration.Queue.Changed(reply.Id, reply.TopicId, QueueStates.Pending));
    }
}
