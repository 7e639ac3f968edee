using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

// WatchUpdates / UnwatchUpdates (docs/protocol.md "Updates-only watch"): a live blog's readers get UpdatePosted,
// UpdateEdited and UpdateRemoved without the discussion's replies. A story's crowd can be a hundred times its
// discussion's: a full Watch sends each of them every reply (15,000 readers × 200 replies/s would be 3 million
// messages a second), the updates group sends them one message per update.
public sealed partial class DiscussionHub
{
    private const string UpdatesWatchedKey = "updates watched";

    /// <summary>
    /// From now on this connection gets the topic's update events (and <c>UpdatesSeq</c>), and the update events
    /// after <paramref name="afterSeq"/> come back in <c>missed</c>: the same replay as Watch with the other events
    /// left out, so its bounds and its reset are Watch's. Does not count the connection as reading the topic.
    /// </summary>
    public async Task<WatchResult> WatchUpdates(string topicId, long? afterSeq)
    {
        if (string.IsNullOrWhiteSpace(topicId))
        {
            throw new HubException("topicId must not be empty");
        }
        var watching = UpdatesWatched();
        lock (watching)
        {
            if (!watching.Contains(topicId) && watching.Count >= limits.Value.MaxWatchedTopics)
            {
                throw new HubException($"a connection may watch the updates of at most {limits.Value.MaxWatchedTopics} topics; unwatch one first");
            }
        }
        var lastSeq = await LastSeqAsync(topicId) ?? throw new HubException("topic not found");
        TakeReplay(afterSeq, lastSeq);
        // Join first, read the log second, as Watch does: an update committed in between is never missed.
        await Groups.AddToGroupAsync(Context.ConnectionId, TopicEventPublisher.UpdatesGroupOf(topicId), Context.ConnectionAborted);
        lock (watching)
        {
            watching.Add(topicId);
        }
        lastSeq = await LastSeqAsync(topicId) ?? throw new HubException("topic not found");
        var replay = await eventLog.ReplayAsync(db, topicId, lastSeq, afterSeq, Context.ConnectionAborted);
        var missed = replay.Missed.Where(TopicEventPublisher.IsUpdateEvent).ToList();
        LogWatchUpdates(logger, Context.ConnectionId, topicId, afterSeq, missed.Count, replay.Reset);
        if (afterSeq is not null)
        {
            metrics.Replayed(missed.Count, replay.Reset);
        }
        return new WatchResult(topicId, replay.LastSeq, await presence.CountAsync(topicId), replay.Reset, missed);
    }

    public async Task UnwatchUpdates(string topicId)
    {
        if (string.IsNullOrWhiteSpace(topicId))
        {
            throw new HubException("topicId must not be empty");
        }
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, TopicEventPublisher.UpdatesGroupOf(topicId));
        var watching = UpdatesWatched();
        lock (watching)
        {
            watching.Remove(topicId);
        }
    }

    // Only a watch that reads the log counts as a replay; resuming with nothing missed is free.
    private void TakeReplay(long? afterSeq, long lastSeq)
    {
        if (afterSeq < lastSeq && HubConnectionBudget.Existing(Context) is { } budget
            && !budget.TryTakeReplay(Context, out var retryAfter, out var addressLimit))
        {
            metrics.RateLimited(addressLimit ?? ReplayLimitName);
            throw new HubException($"rate limited, retry in {HubConnectionBudget.Seconds(retryAfter)} s");
        }
    }

    private HashSet<string> UpdatesWatched() => ItemSet(UpdatesWatchedKey);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} watches the updates of {TopicId} after seq {AfterSeq}: {Missed} missed updates, reset {Reset}")]
    private static partial void LogWatchUpdates(ILogger logger, string connectionId, string topicId, long? afterSeq, int missed, bool reset);
}
