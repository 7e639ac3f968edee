using System.Collections.Concurrent;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Delivery;

/// <summary>
/// The live topic list (PROTOCOL.md v2): <c>TopicPosted</c> when a topic is created, and <c>TopicStats</c> at most
/// once per <see cref="TopicListOptions.StatsThrottle"/> per topic while its replies, its own reactions or its
/// watchers change, always once after the last change, and at most <see cref="TopicListOptions.MaxStatsPerSecond"/>
/// in all (v3; <see cref="SendPacer"/>); on a cluster one instance's turn
/// (<see cref="ISendTurns"/>) per window sends for all. List watchers share one group, so through the backplane
/// what any instance sends reaches them on every instance; each instance reports what happens on it (its
/// commits, its joins and leaves). Counts are read when the throttle flushes, so a burst costs one read.
/// <para>
/// Whether anyone watches the list, on any instance, is counted with presence under <see cref="PresenceKey"/>:
/// while nobody does, a change costs a throttle signal and one presence count per topic and window, and nothing
/// is read or sent. Quiet topics leave the throttle after a window, so memory follows the topics active now.
/// </para>
/// </summary>
public sealed partial class TopicListBroadcaster
{
    /// <summary>The SignalR group of list watchers (topic groups are "topic:…", so the names never meet).</summary>
    public const string Group = "topics";

    /// <summary>Presence entry of list watchers: not a topic id (ours are "t_…", and Watch joins only existing topics).</summary>
    public const string PresenceKey = "(topic list)";

    /// <summary>Presence entry of WatchStats connections (PROTOCOL.md v3), counted like list watchers.</summary>
    public const string StatsPresenceKey = "(topic stats)";

    /// <summary>The SignalR group of one topic's WatchStats watchers ("stats:…", never a topic group "topic:…").</summary>
    public static string StatsGroupOf(string topicId) => "stats:" + topicId;

    private readonly IDiscussionClients _hub;
    private readonly IPresence _presence;
    private readonly IServiceScopeFactory _scopes;
    private readonly ReactionCounts _counts;
    private readonly KeyedThrottle<string> _throttle;
    private readonly SendPacer _pacer;
    // Topics whose TopicStats waits in the pacer's line. One per topic is enough (the counts are read after the
    // wait, so it carries every change made meanwhile); without this, a topic that kept changing joined the line
    // again every window while the line moved at MaxStatsPerSecond, and the line grew without end (the soak: 8,000
    // waiting flushes after five minutes of 300 busy topics, each holding its caller's request context).
    private readonly ConcurrentDictionary<string, byte> _inLine = new(StringComparer.Ordinal);
    private readonly ISendTurns _turns;
    private readonly TimeSpan _window;
    private readonly ILogger<TopicListBroadcaster> _logger;

    public TopicListBroadcaster(IDiscussionClients hub, IPresence presence, IServiceScopeFactory scopes,
        ReactionCounts counts, ISendTurns turns, TimeProvider time, IOptions<TopicListOptions> options, ILogger<TopicListBroadcaster> logger)
    {
        (_hub, _presence, _scopes, _counts, _turns, _window, _logger) = (hub, presence, scopes, counts, turns, options.Value.StatsThrottle, logger);
        _throttle = new KeyedThrottle<string>(_window, FlushStatsAsync, time, logger);
        _pacer = new SendPacer("stats", TimeSpan.FromSeconds(1) / options.Value.MaxStatsPerSecond, turns, time);
    }

    /// <summary>Topics with a TopicStats scheduled or sent within the last window (tests check it stays bounded).</summary>
    internal int PendingTopics => _throttle.PendingKeys;

    /// <summary>TopicStats waiting for a pacer slot (tests check it never exceeds the topics that changed).</summary>
    internal int StatsWaiting => _pacer.Waiting;

    /// <summary>A committed topic: sent to list watchers at once.</summary>
    public void Posted(Topic topic) => _ = PostAsync(topic);

    /// <summary>Something counted in TopicStats changed for this topic (committed, or a watcher came or went).</summary>
    public void Changed(string topicId)
    {
        if (topicId is not (PresenceKey or StatsPresenceKey))
        {
            _ = _throttle.Signal(topicId);
        }
    }

    private async Task PostAsync(Topic topic)
    {
        try
        {
            if (await AnyoneWatchesAsync())
            {
                await _hub.Clients.Group(Group).TopicPosted(new TopicPostedEvent(topic with { Mine = null }));
            }
        }
        catch (Exception ex)
        {
            LogPostFailed(_logger, ex, topic.Id);
        }
    }

    private async Task FlushStatsAsync(string topicId)
    {
        var (list, stats) = await WatchersAsync();
        if (!list && !stats)
        {
            return;
        }
        if (!_inLine.TryAdd(topicId, 0))
        {
            return; // this topic's TopicStats already waits in line, and it reads the counts after its wait
        }
        try
        {
            // One instance's turn per window sends the cluster-wide figures; the others follow a window later.
            if (!await _turns.TryTakeAsync("stats:" + topicId, _window))
            {
                _throttle.Signal(topicId);
                return;
            }
            // However many topics change, list watchers get at most MaxStatsPerSecond TopicStats: topics wait in
            // line, and the counts are read after the wait, so each carries what is true when it goes.
            await _pacer.WaitForSlotAsync();
        }
        finally
        {
            _inLine.TryRemove(topicId, out _);
        }
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var replyCount = await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => (int?)t.ReplyCount).FirstOrDefaultAsync();
        if (replyCount is null)
        {
            return;
        }
        var reactions = await _counts.ForAsync(db, topicId);
        var watchers = await _presence.CountAsync(topicId);
        var e = new TopicStatsEvent(topicId, replyCount.Value, reactions, watchers);
        // The one pacer slot serves list watchers and this topic's WatchStats watchers alike, so neither gets more
        // than MaxStatsPerSecond; a connection in both hears of the topic twice.
        var to = (list, stats) switch
        {
            (true, true) => _hub.Clients.Groups(Group, StatsGroupOf(topicId)),
            (true, false) => _hub.Clients.Group(Group),
            _ => _hub.Clients.Group(StatsGroupOf(topicId)),
        };
        await to.TopicStats(e);
    }

    private async Task<bool> AnyoneWatchesAsync() => await _presence.CountAsync(PresenceKey) > 0;

    // Whether anyone, on any instance, watches the list and anyone watches stats (of some topic).
    private async Task<(bool List, bool Stats)> WatchersAsync() =>
        (await _presence.CountAsync(PresenceKey) > 0, await _presence.CountAsync(StatsPresenceKey) > 0);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Sending TopicPosted for {TopicId} failed; list watchers see it on their next reload")]
    private static partial void LogPostFailed(ILogger logger, Exception ex, string topicId);
}

/// <summary>Configuration section "TopicList".</summary>
public sealed class TopicListOptions
{
    /// <summary>At most one TopicStats per topic per interval (and always one after the last change).</summary>
    public TimeSpan StatsThrottle { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// At most this many TopicStats a second in all, across the cluster (PROTOCOL.md v3: at most 10), however many
    /// topics change: a list watcher's cost does not grow with the activity of the whole site.
    /// </summary>
    public double MaxStatsPerSecond { get; set; } = 10;
}
