using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Sends committed events to the topic's group. Runs only after commit: if a send is lost (backplane down,
/// process killed), the database still has the event and the next event's seq shows watchers the gap.
/// Sends are issued in seq order but not awaited: a watcher whose buffer is full delays only itself, never
/// the writer or the other watchers.
/// </summary>
public sealed partial class TopicEventPublisher(
    IDiscussionClients hub, CommunityMetrics metrics, TopicListBroadcaster topicList, ILogger<TopicEventPublisher> logger)
{
    private const string GroupPrefix = "topic:";
    private const string UpdatesGroupPrefix = "updates:";

    public static string GroupOf(string topicId) => GroupPrefix + topicId;

    /// <summary>
    /// The topic's updates-only watchers (<c>WatchUpdates</c>): a live blog's readers get the newsroom's updates
    /// without the discussion's replies, so one story can have far more of them than a full watch allows.
    /// </summary>
    public static string UpdatesGroupOf(string topicId) => UpdatesGroupPrefix + topicId;

    /// <summary>The topic whose group this is; null for other groups (the topic list, the moderation queue).</summary>
    public static string? TopicOf(string groupName) =>
        groupName.StartsWith(GroupPrefix, StringComparison.Ordinal) ? groupName[GroupPrefix.Length..] : null;

    /// <summary>The topic whose updates-only group this is; null for other groups.</summary>
    public static string? UpdatesTopicOf(string groupName) =>
        groupName.StartsWith(UpdatesGroupPrefix, StringComparison.Ordinal) ? groupName[UpdatesGroupPrefix.Length..] : null;

    public static bool IsUpdateEvent(TopicEvent evt) => evt is UpdatePostedEvent or UpdateEditedEvent or UpdateRemovedEvent;

    /// <param name="committedAt">Stopwatch timestamp of the commit that stored the events.</param>
    public Task PublishAsync(IReadOnlyList<TopicEvent> events, long committedAt)
    {
        string? counted = null;
        foreach (var evt in events)
        {
            Send(evt);
            metrics.Published(EventLog.TypeOf(evt), evt.TopicId, committedAt);
            // The live topic list shows visible replies and the topic's own reactions: tell it once per batch.
            if (counted != evt.TopicId && ChangesTopicStats(evt))
            {
                counted = evt.TopicId;
                topicList.Changed(evt.TopicId);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes once the events' groups have room for more sends here. On one instance a big group is written by
    /// its own loop, never by the publisher; the topic's write pipeline waits here, after answering its writers,
    /// before its next batch. So it runs at most a batch ahead of the group's fan-out. Its batches grow while the
    /// fan-out is behind, as they did when the loop ran in line, and the group's queue stays bounded.
    /// </summary>
    public async Task RoomAsync(IReadOnlyList<TopicEvent> events)
    {
        string? last = null;
        foreach (var evt in events)
        {
            if (evt.TopicId != last)
            {
                last = evt.TopicId;
                await hub.RoomAsync(GroupOf(evt.TopicId));
                await hub.RoomAsync(UpdatesGroupOf(evt.TopicId));
            }
        }
    }

    private static bool ChangesTopicStats(TopicEvent evt) =>
        evt is ReplyPostedEvent or ReplyRemovedEvent or ReplyRestoredEvent or ReactionsChangedEvent { ReplyId: null };

    private void Send(TopicEvent evt)
    {
        Send(evt, GroupOf(evt.TopicId));
        if (IsUpdateEvent(evt))
        {
            Send(evt, UpdatesGroupOf(evt.TopicId));
        }
    }

    private void Send(TopicEvent evt, string groupName)
    {
        try
        {
            var group = hub.Clients.Group(groupName);
            var send = evt switch
            {
                ReplyPostedEvent e => group.ReplyPosted(e),
                ReplyEditedEvent e => group.ReplyEdited(e),
                ReplyRemovedEvent e => group.ReplyRemoved(e),
                ReplyRestoredEvent e => group.ReplyRestored(e),
                ReplyFeaturedEvent e => group.ReplyFeatured(e),
                ReactionsChangedEvent e => group.ReactionsChanged(e),
                TopicUpdatedEvent e => group.TopicUpdated(e),
                UpdatePostedEvent e => group.UpdatePosted(e),
                UpdateEditedEvent e => group.UpdateEdited(e),
                UpdateRemovedEvent e => group.UpdateRemoved(e),
                _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.GetType().Name, "not a topic event"),
            };
            if (!send.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(send, evt.TopicId, evt.Seq);
            }
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex, evt.TopicId, evt.Seq);
        }
    }

    private async Task ObserveAsync(Task send, string topicId, long seq)
    {
        try
        {
            await send;
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex, topicId, seq);
        }
    }

    public async Task PublishPresenceAsync(PresenceChangedEvent presence)
    {
        try
        {
            await hub.SendStateAsync(GroupOf(presence.TopicId), nameof(IDiscussionClient.PresenceChanged), presence);
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
