using System.Globalization;
using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Realtime;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>An author's edit within the edit window; a removal that ran earlier (in this batch or before) wins.</summary>
internal sealed class EditReplyCommand(Caller caller, string topicId, string replyId, string body, TimeSpan editWindow)
    : WriteCommand<Reply>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var reply = await write.Db.Replies.FirstOrDefaultAsync(r => r.Id == replyId, ct);
        var ownHeld = reply is { State: ReplyState.Pending } && reply.AuthorId == caller.Id;
        if (reply is null || write.Topic is not { } topic || (reply.State != ReplyState.Published && !ownHeld))
        {
            return Rejection.NotFound("reply not found");
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
        var wire = reply.AsReply(await write.Reactions.CountsAsync(topic.Id, reply.Id, ct));
        if (ownHeld)
        {
            return wire; // still held: readers have not seen it and hear nothing of the edit
        }
        write.Append(seq => new ReplyEditedEvent(topic.Id, seq, wire));
        return wire;
    }
}
