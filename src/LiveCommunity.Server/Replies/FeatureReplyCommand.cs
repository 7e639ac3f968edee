using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Replies;

/// <summary>The newsroom lifts a published reply into the thread's "Featured" strip, or takes it out (ReplyFeatured).</summary>
internal sealed class FeatureReplyCommand(Caller caller, string topicId, string replyId, bool featured, Notifier notifier)
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
        // Only what readers can see is featured: a held or removed reply would show in the strip of no one.
        if (reply.State != ReplyState.Published)
        {
            return Rejection.Conflict("the reply is not published");
        }
        var counts = await write.Reactions.CountsAsync(topic.Id, reply.Id, ct);
        if (reply.Featured == featured)
        {
            return reply.AsReply(counts); // already so: no change, no event (PUT and DELETE are idempotent)
        }
        reply.Featured = featured;
        write.Audit(caller, featured ? ModerationActions.Feature : ModerationActions.Unfeature, reply.Id);
        write.Append(seq => new ReplyFeaturedEvent(reply.TopicId, seq, reply.Id, featured));
        if (featured)
        {
            await notifier.FeaturedAsync(write, reply, caller, ct);
        }
        return reply.AsReply(counts);
    }
}
