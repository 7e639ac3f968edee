using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Topics;

/// <summary>Which moderator switch of a topic a <see cref="SetTopicFlagCommand"/> turns.</summary>
public enum TopicFlag
{
    Locked,
    Premoderated,
}

/// <summary>
/// Locks or unlocks a topic, or turns pre-moderation on or off: TopicUpdated and a moderation-log entry.
/// Setting what is already set changes nothing and announces nothing.
/// </summary>
internal sealed class SetTopicFlagCommand(Caller caller, string topicId, TopicFlag flag, bool on)
    : WriteCommand<Topic>
{
    public override string? TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<Topic>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (write.Topic is not { } topic)
        {
            return Rejection.NotFound("topic not found");
        }
        var counts = await write.Reactions.CountsAsync(topic.Id, null, ct);
        var current = flag == TopicFlag.Locked ? topic.Locked : topic.Premoderated;
        if (current == on)
        {
            return topic.AsTopic(counts);
        }
        if (flag == TopicFlag.Locked)
        {
            topic.Locked = on;
        }
        else
        {
            topic.Premoderated = on;
        }
        // The event carries the topic as it is after this change, its own seq included.
        var updated = write.Append(seq => new TopicUpdatedEvent(topic.Id, seq, topic.AsTopic(counts) with { LastSeq = seq }));
        write.Audit(caller, (flag, on) switch
        {
            (TopicFlag.Locked, true) => ModerationActions.Lock,
            (TopicFlag.Locked, false) => ModerationActions.Unlock,
            (TopicFlag.Premoderated, true) => ModerationActions.Premoderate,
            _ => ModerationActions.Unpremoderate,
        }, topic.Id);
        return updated.Topic;
    }
}
