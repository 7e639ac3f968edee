using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Reactions;

/// <summary>
/// Sets or clears one user's reaction on a topic or reply, for REST and the hub alike. The call answers with
/// the target's counts (this change included) and the caller's own kinds; watchers get ReactionsChanged from
/// the same transaction, coalesced per target.
/// </summary>
public sealed class ReactionService(CommunityDb db, TopicWriter writer, ReplyTopics replyTopics, ReactionCounts counts)
{
    /// <param name="topicId">The topic; null when only the reply is known (REST /replies/{id}/reactions).</param>
    /// <param name="replyId">The reply, or null to react to the topic itself.</param>
    public async Task<Outcome<ReactionsResult>> SetAsync(
        Caller? caller, string? topicId, string? replyId, string? kind, bool on, CancellationToken ct)
    {
        if (caller is null)
        {
            return Rejection.SignInRequired("sign in to react");
        }
        if (caller.Role == Roles.Publisher)
        {
            return Rejection.Forbidden(Roles.PublisherIsNoReader);
        }
        if (!counts.IsKind(kind))
        {
            return Rejection.Invalid("kind", $"must be one of {string.Join(", ", counts.Kinds)}");
        }
        if (replyId is not null)
        {
            var replyTopic = await replyTopics.TopicOfAsync(db, replyId, ct);
            if (replyTopic is null || (topicId is not null && replyTopic != topicId))
            {
                return Rejection.NotFound("reply not found");
            }
            topicId = replyTopic;
        }
        if (topicId is null)
        {
            return Rejection.NotFound("topic not found");
        }
        return await writer.WriteAsync(new SetReactionCommand(caller, topicId, replyId, kind!, on, counts), ct);
    }
}
