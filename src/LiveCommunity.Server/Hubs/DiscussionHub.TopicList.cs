using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

// WatchTopics / UnwatchTopics (PROTOCOL.md "Live topic list"): TopicPosted and TopicStats of every topic, and this
// connection counted in the list's presence; its state lives in the connection's items like the watched set.
public sealed partial class DiscussionHub
{
    private const string ListKey = "topic list";

    /// <summary>
    /// Joins the live topic list: TopicPosted and TopicStats from every instance. Calling it again changes nothing.
    /// </summary>
    public async Task<WatchTopicsResult> WatchTopics()
    {
        var list = ListWatch();
        if (list.Watching)
        {
            return WatchTopicsResult.Empty;
        }
        // The group first, then presence: once the list counts as watched, what is sent reaches this connection.
        await Groups.AddToGroupAsync(Context.ConnectionId, TopicListBroadcaster.Group, Context.ConnectionAborted);
        bool joined;
        lock (list)
        {
            joined = !list.Watching;
            list.Watching = true;
        }
        if (joined)
        {
            await presence.JoinAsync(TopicListBroadcaster.PresenceKey, Context.ConnectionId);
            if (Context.ConnectionAborted.IsCancellationRequested)
            {
                // The connection closed while this call ran; OnDisconnectedAsync may already have cleaned up.
                await LeaveListAsync();
                throw new HubException("the connection closed");
            }
        }
        LogWatchTopics(logger, Context.ConnectionId);
        return WatchTopicsResult.Empty;
    }

    public async Task UnwatchTopics()
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, TopicListBroadcaster.Group);
        await LeaveListAsync();
        LogUnwatchTopics(logger, Context.ConnectionId);
    }

    private async Task LeaveListAsync()
    {
        var list = ListWatch();
        bool left;
        lock (list)
        {
            left = list.Watching;
            list.Watching = false;
        }
        if (left)
        {
            await presence.LeaveAsync(TopicListBroadcaster.PresenceKey, Context.ConnectionId);
        }
    }

    private TopicListWatch ListWatch()
    {
        if (Context.Items.TryGetValue(ListKey, out var value) && value is TopicListWatch list)
        {
            return list;
        }
        list = new TopicListWatch();
        Context.Items[ListKey] = list;
        return list;
    }

    /// <summary>Whether this connection watches the topic list; locked like the watched set.</summary>
    private sealed class TopicListWatch
    {
        public bool Watching;
    }

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Connection {ConnectionId} watches the topic list")]
    private static partial void LogWatchTopics(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Connection {ConnectionId} unwatched the topic list")]
    private static partial void LogUnwatchTopics(ILogger logger, string connectionId);
}
