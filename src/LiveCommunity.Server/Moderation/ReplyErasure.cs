using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Notifications;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Writes;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>Replies' erasure hook: the erase command, then a wait for the job that clears the database files.</summary>
internal sealed class ReplyErasure(TopicWriter writer, QueueNotifier queue, Notifier notifier, ModerationJobs jobs, IOptions<ModerationOptions> moderation) : IReplyErasure
{
    public async Task<Outcome<bool>> EraseAsync(Caller admin, string topicId, string replyId, string? reason, CancellationToken ct)
    {
        var erased = await writer.WriteAsync(new EraseReplyCommand(admin, topicId, replyId, reason, queue, notifier, moderation.Value.JobLease), ct);
        return await Erasures.AnswerAsync(jobs, erased, moderation.Value.ErasureWait, ct);
    }
}
