using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Who watches which topic. In memory on a single instance; the Redis implementation counts across
/// instances. Counts are connections, so one reader with two tabs counts twice.
/// </summary>
public interface IPresence
{
    Task<int> JoinAsync(string topicId, string connectionId);
    Task<int> LeaveAsync(string topicId, string connectionId);
    Task<int> CountAsync(string topicId);

    /// <summary>Watchers of each topic, in the order asked, in one round trip whatever their number (article counts).</summary>
    Task<IReadOnlyList<int>> CountManyAsync(IReadOnlyList<string> topicIds);
}

public sealed class InMemoryPresence : IPresence
{
    private readonly Dictionary<string, HashSet<string>> _watchers = [];

    public Task<int> JoinAsync(string topicId, string connectionId)
    {
        lock (_watchers)
        {
            if (!_watchers.TryGetValue(topicId, out var set))
            {
                _watchers[topicId] = set = [];
            }
            set.Add(connectionId);
            return Task.FromResult(set.Count);
        }
    }

    public Task<int> LeaveAsync(string topicId, string connectionId)
    {
        lock (_watchers)
        {
            if (!_watchers.TryGetValue(topicId, out var set))
            {
                return Task.FromResult(0);
            }
            set.Remove(connectionId);
            if (set.Count == 0)
            {
                _watchers.Remove(topicId);
            }
            return Task.FromResult(set.Count);
        }
    }

    public Task<int> CountAsync(string topicId)
    {
        lock (_watchers)
        {
            return Task.FromResult(_watchers.TryGetValue(topicId, out var set) ? set.Count : 0);
        }
    }

    public Task<IReadOnlyList<int>> CountManyAsync(IReadOnlyList<string> topicIds)
    {
        lock (_watchers)
        {
            return Task.FromResult<IReadOnlyList<int>>([.. topicIds.Select(id => _watchers.TryGetValue(id, out var set) ? set.Count : 0)]);
        }
    }
}

/// <summary>
/// Sends PresenceChanged about once a second per topic (less often to a crowd of thousands: <see cref="QuietAfter"/>)
/// however fast readers come and go, and on a cluster
/// however many instances see them (one instance's turn per window sends the cluster-wide count; the others
/// try again a window later, so the newest count is always sent). Tells the live topic list too (its
/// TopicStats carry the watchers).
/// </summary>
public sealed class PresenceBroadcaster
{
    private readonly KeyedThrottle<string> _throttle;
    private readonly TopicListBroadcaster _topicList;
    private readonly IPresence _presence;
    private readonly TopicEventPublisher _publisher;
    private readonly ISendTurns _turns;
    private readonly TimeSpan _window;
    private readonly PresenceOptions _options;

    public PresenceBroadcaster(IPresence presence, TopicEventPublisher publisher, TopicListBroadcaster topicList, ISendTurns turns,
        TimeProvider time, ILogger<PresenceBroadcaster> logger, Microsoft.Extensions.Options.IOptions<PresenceOptions> options)
    {
        (_presence, _publisher, _topicList, _turns, _options) = (presence, publisher, topicList, turns, options.Value);
        _window = _options.Throttle;
        _throttle = new KeyedThrottle<string>(_window, FlushAsync, time, logger);
    }

    private async Task<TimeSpan> FlushAsync(string topicId)
    {
        var watchers = await _presence.CountAsync(topicId);
        var quiet = QuietAfter(watchers, _options);
        // The turn lasts as long as the quiet, so no instance sends to this crowd again before it ends.
        if (!await _turns.TryTakeAsync("presence:" + topicId, quiet))
        {
            _throttle.Signal(topicId); // another instance sends this window; ours follows in the next if still needed
            return _window;
        }
        await _publisher.PublishPresenceAsync(new PresenceChangedEvent(topicId, watchers));
        return quiet;
    }

    /// <summary>
    /// The window, or longer for a crowd: each send goes to every watcher, so while thousands come and go a
    /// once-a-second count would cost a message per watcher per second, as much as a busy discussion's replies,
    /// and more than anything else while a crowd arrives. A topic's presence sends stay within
    /// <see cref="PresenceOptions.MaxDeliveriesPerSecond"/> (a count every watchers ÷ that many seconds), up to
    /// <see cref="PresenceOptions.MaxThrottle"/> apart.
    /// </summary>
    internal static TimeSpan QuietAfter(int watchers, PresenceOptions options)
    {
        var spread = TimeSpan.FromSeconds((double)watchers / options.MaxDeliveriesPerSecond);
        var longest = options.MaxThrottle > options.Throttle ? options.MaxThrottle : options.Throttle;
        return TimeSpan.FromTicks(Math.Clamp(spread.Ticks, options.Throttle.Ticks, longest.Ticks));
    }

    public void Changed(string topicId)
    {
        // List watchers and signed-in readers' connections (notification email) are counted with presence too (the
        // heartbeat heals their entries), but they are no topic: their keys are in parentheses, topic ids never are.
        if (topicId.StartsWith('('))
        {
            return;
        }
        _ = _throttle.Signal(topicId);
        _topicList.Changed(topicId);
    }
}

public sealed class PresenceOptions
{
    /// <summary>PresenceChanged at most this often per topic.</summary>
    public TimeSpan Throttle { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A big crowd's counts are spread so that a topic's presence sends reach at most this many watchers a second.</summary>
    public int MaxDeliveriesPerSecond { get; set; } = 1_000;

    /// <summary>However big the crowd, its count is sent at least this often while it changes (never more often than <see cref="Throttle"/>).</summary>
    public TimeSpan MaxThrottle { get; set; } = TimeSpan.FromSeconds(5);
}
