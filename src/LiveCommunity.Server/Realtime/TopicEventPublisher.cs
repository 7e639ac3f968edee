using LiveCommunity.Server.Observability;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Realtime;

/// <summary>
/// Sends committed events to the topic's group. Runs only after commit: if a send is lost (backplane down,
/// process killed), the database still has the event and the next event's seq shows watchers the gap.
/// </summary>
public sealed partial class TopicEventPublisher(
    IHubContext<DiscussionHub, IDiscussionClient> hub, CommunityMetrics metrics, ILogger<TopicEventPublisher> logger)
{
    public static string GroupOf(string topicId) => "topic:" + topicId;

    /// <param name="committedAt">Stopwatch timestamp of the commit that stored the events.</param>
    public async Task PublishAsync(IReadOnlyList<TopicEvent> events, long committedAt)
    {
        foreach (var evt in events)
        {
            await PublishAsync(evt);
            metrics.Published(EventLog.TypeOf(evt), evt.TopicId, committedAt);
        }
    }

    private async Task PublishAsync(TopicEvent evt)
    {
        try
        {
            var group = hub.Clients.Group(GroupOf(evt.TopicId));
            await (evt switch
            {
                ReplyPostedEvent e => group.ReplyPosted(e),
                ReplyEditedEvent e => group.ReplyEdited(e),
                ReplyRemovedEvent e => group.ReplyRemoved(e),
                ReplyRestoredEvent e => group.ReplyRestored(e),
                ReactionsChangedEvent e => group.ReactionsChanged(e),
                TopicUpdatedEvent e => group.TopicUpdated(e),
                _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "not a topic event"),
            });
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex, evt.TopicId, evt.Seq);
        }
    }

    public async Task PublishPresenceAsync(PresenceChangedEvent presence)
    {
        try
        {
            await hub.Clients.Group(GroupOf(presence.TopicId)).PresenceChanged(presence);
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex, presence.TopicId, 0);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Publishing event {TopicId}/{Seq} failed; watchers will recover it from the log by seq")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string topicId, long seq);
}
