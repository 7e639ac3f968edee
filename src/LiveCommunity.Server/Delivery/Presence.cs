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
/// Sends PresenceChanged about once a second per topic however fast readers come and go, and on a cluster
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

    public PresenceBroadcaster(IPresence presence, TopicEventPublisher publisher, TopicListBroadcaster topicList, ISendTurns turns,
        TimeProvider time, ILogger<PresenceBroadcaster> logger, Microsoft.Extensions.Options.IOptions<PresenceOptions> options)
    {
        (_presence, _publisher, _topicList, _turns, _window) = (presence, publisher, topicList, turns, options.Value.Throttle);
        _throttle = new KeyedThrottle<string>(_window, FlushAsync, time, logger);
    }

    private async Task FlushAsync(string topicId)
    {
        if (!await _turns.TryTakeAsync("presence:" + topicId, _window))
        {
            _throttle.Signal(topicId); // another instance sends this window; ours follows in the next if still needed
            return;
        }
        await _publisher.PublishPresenceAsync(new PresenceChangedEvent(topicId, await _presence.CountAsync(topicId)));
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
    public TimeSpan Throttle { get; set; } = TimeSpan.FromSeconds(1);
}
