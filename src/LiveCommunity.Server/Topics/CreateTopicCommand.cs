using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Topics;

/// <summary>
/// A new topic (moderators and admins). Not a topic event: nobody can watch a topic before it exists. Watchers
/// of the live topic list get TopicPosted once it is committed.
/// </summary>
internal sealed class CreateTopicCommand(
    Caller caller, string topicId, string title, string body, List<string> sourceUrls, ReactionCounts counts, TopicListBroadcaster topicList,
    TimeSpan? closeAfter = null)
    : WriteCommand<Topic>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override Task<Outcome<Topic>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        var topic = new TopicEntity
        {
            Id = TopicId!,
            Title = title,
            Body = body,
            SourceUrls = sourceUrls,
            AuthorId = caller.Id,
            AuthorName = caller.Name,
            AuthorBadge = caller.Badge,
            CreatedAt = write.Now,
            ClosesAt = closeAfter is { } after ? write.Now + after : null, // Topics:CloseAfter
        };
        write.Db.Topics.Add(topic);
        var created = topic.AsTopic(counts.Zero());
        if (write.WebhooksListening)
        {
            write.Db.WebhookOutbox.Add(Webhooks.WebhookEvents.TopicCreatedRow(created, write.Now));
        }
        write.AfterCommit(() => topicList.Posted(created));
        return Task.FromResult<Outcome<Topic>>(created);
    }
}
