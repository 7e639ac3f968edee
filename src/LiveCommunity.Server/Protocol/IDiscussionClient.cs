namespace LiveCommunity.Server.Protocol;

/// <summary>
/// Server → client events of /hubs/discussion. This interface is the wire contract (PROTOCOL.md "Hub"):
/// the method names are the event names the SDK listens for.
/// </summary>
public interface IDiscussionClient
{
    Task ReplyPosted(ReplyPostedEvent e);
    Task ReplyEdited(ReplyEditedEvent e);
    Task ReplyRemoved(ReplyRemovedEvent e);
    Task ReplyRestored(ReplyRestoredEvent e);
    Task ReplyFeatured(ReplyFeaturedEvent e);
    Task ReactionsChanged(ReactionsChangedEvent e);
    Task TopicUpdated(TopicUpdatedEvent e);
    Task UpdatePosted(UpdatePostedEvent e);
    Task UpdateEdited(UpdateEditedEvent e);
    Task UpdateRemoved(UpdateRemovedEvent e);
    Task PresenceChanged(PresenceChangedEvent e);

    /// <summary>A topic's last seq, sent when watchers may have missed events and as a heartbeat (no seq of its own).</summary>
    Task TopicSeq(TopicSeqEvent e);

    /// <summary>Like TopicSeq for updates-only watchers (WatchUpdates): the seq of the topic's newest update event.</summary>
    Task UpdatesSeq(TopicSeqEvent e);

    // The live topic list: sent to connections that called WatchTopics().
    Task TopicPosted(TopicPostedEvent e);
    Task TopicStats(TopicStatsEvent e);
    Task QueueChanged(QueueChangedEvent e);

    // Notifications: to every connection of the signed-in reader, watching or not (no seq).
    Task Notified(NotifiedEvent e);
    Task NotificationsRead(NotificationsReadEvent e);
}
