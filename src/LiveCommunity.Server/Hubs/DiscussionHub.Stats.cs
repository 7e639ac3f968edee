using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

// WatchStats (PROTOCOL.md v3 "Articles"): TopicStats of chosen topics, for teaser lists with live counts.
public sealed partial class DiscussionHub
{
    /// <summary>At most this many topics per WatchStats call and per connection (PROTOCOL.md: at most 100 ids).</summary>
    public const int MaxStatsTopics = 100;

    private const string StatsKey = "stats";

    /// <summary>
    /// From now on this connection gets <c>TopicStats</c> for these topics (and no others it asked for before:
    /// each call replaces the set, so a page's whole list is one call and the bound is per connection).
    /// </summary>
    public async Task<WatchTopicsResult> WatchStats(string[]? topicIds)
    {
        if (topicIds is null)
        {
            throw new HubException("topicIds must be a list of topic ids");
        }
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in topicIds)
        {
            // The same check every other hub id gets (HubInputFilter), here per element of the list.
            if (Ids.Problem("topicId", id ?? "") is { } problem)
            {
                throw new HubException($"topicIds: each topicId {problem}");
            }
            wanted.Add(id!);
        }
        if (wanted.Count > MaxStatsTopics)
        {
            throw new HubException($"topicIds: at most {MaxStatsTopics} topics per connection");
        }
        var stats = StatsWatch();
        string[] leaving, joining;
        lock (stats)
        {
            leaving = [.. stats.Topics.Where(t => !wanted.Contains(t))];
            joining = [.. wanted.Where(t => !stats.Topics.Contains(t))];
        }
        foreach (var topicId in joining)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, TopicListBroadcaster.StatsGroupOf(topicId), Context.ConnectionAborted);
        }
        foreach (var topicId in leaving)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, TopicListBroadcaster.StatsGroupOf(topicId));
        }
        bool joined;
        lock (stats)
        {
            stats.Topics = wanted;
            joined = !stats.Counted && wanted.Count > 0;
            stats.Counted |= joined;
        }
        if (joined)
        {
            // Counted once per connection, like list watchers: whether anyone watches stats decides whether
            // changes are read and sent at all, on every instance.
            await presence.JoinAsync(TopicListBroadcaster.StatsPresenceKey, Context.ConnectionId);
        }
        else if (wanted.Count == 0)
        {
            await LeaveStatsAsync();
        }
        if (Context.ConnectionAborted.IsCancellationRequested)
        {
            // The connection closed while this call ran; OnDisconnectedAsync may already have cleaned up.
            await LeaveStatsAsync();
            throw new HubException("the connection closed");
        }
        LogWatchStats(logger, Context.ConnectionId, wanted.Count);
        return WatchTopicsResult.Empty;
    }

    /// <summary>Stops every TopicStats WatchStats asked for. Harmless when watching none.</summary>
    public async Task UnwatchStats()
    {
        string[] topics;
        var stats = StatsWatch();
        lock (stats)
        {
            topics = [.. stats.Topics];
            stats.Topics = [];
        }
        foreach (var topicId in topics)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, TopicListBroadcaster.StatsGroupOf(topicId));
        }
        await LeaveStatsAsync();
    }

    // Groups go with the connection; the presence entry is ours to remove (at most once).
    private async Task LeaveStatsAsync()
    {
        var stats = StatsWatch();
        bool left;
        lock (stats)
        {
            left = stats.Counted;
            stats.Counted = false;
            stats.Topics = [];
        }
        if (left)
        {
            await presence.LeaveAsync(TopicListBroadcaster.StatsPresenceKey, Context.ConnectionId);
        }
    }

    private TopicStatsWatch StatsWatch()
    {
        if (Context.Items.TryGetValue(StatsKey, out var value) && value is TopicStatsWatch stats)
        {
            return stats;
        }
        stats = new TopicStatsWatch();
        Context.Items[StatsKey] = stats;
        return stats;
    }

    /// <summary>The topics this connection watches the stats of; locked like the watched set.</summary>
    private sealed class TopicStatsWatch
    {
        public HashSet<string> Topics = [];
        public bool Counted;
    }

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Connection {ConnectionId} watches the stats of {Count} topics")]
    private static partial void LogWatchStats(ILogger logger, string connectionId, int count);
}
