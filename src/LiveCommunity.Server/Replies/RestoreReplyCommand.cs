using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>A moderator brings a removed reply back in its old place (ReplyRestored); an erased one cannot come back.</summary>
internal sealed class RestoreReplyCommand(Caller caller, string topicId, string replyId)
    : WriteCommand<Reply>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Reply>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (await write.ReplyAsync(replyId, ct) is not { } reply || write.Topic is not { } topic)
        {
            return WriteContext.ReplyNotFound;
        }
        if (reply.Erased)
        {
            return Rejection.Conflict("the reply was erased: its text no longer exists");
        }
        var counts = await write.Reactions.CountsAsync(topic.Id, reply.Id, ct);
        if (reply.State != ReplyState.Removed)
        {
            return reply.AsReply(counts); // nothing to restore: no change, no event
        }
        reply.State = ReplyState.Published;
        reply.RemovedAt = null;
        reply.RemovedById = null;
        reply.RemovedReason = null;
        topic.ReplyCount++;
        write.Audit(caller, ModerationActions.Restore, reply.Id);
        return Publish(write, reply, counts);
    }

    /// <summary>
    /// Makes a reply visible again: ReplyRestored in its old place, or, for one never published (held, then
    /// removed), ReplyPosted with the topic's next seq.
    /// </summary>
    public static Reply Publish(WriteContext write, ReplyEntity reply, IReadOnlyDictionary<string, int> counts)
    {
        if (reply.Seq is null)
        {
            var posted = write.Append(seq =>
            {
                reply.Seq = seq;
                return new ReplyPostedEvent(reply.TopicId, seq, reply.AsReply(counts));
            });
            return posted.Reply;
        }
        var wire = reply.AsReply(counts);
        write.Append(seq => new ReplyRestoredEvent(reply.TopicId, seq, wire));
        return wire;
    }
}
