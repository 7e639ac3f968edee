using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LiveCommunity.Server.Observability;

/// <summary>
/// The "LiveCommunity" meter: what an operator watches. Counts are per instance; Prometheus sums them.
/// </summary>
public sealed class CommunityMetrics : IDisposable
{
    public const string MeterName = "LiveCommunity";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _watchers;
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _replayRequests;
    private readonly Counter<long> _replayedEvents;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _reactionsCoalesced;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _moderationActions;
    private readonly Histogram<double> _publishDelay;
    private readonly Counter<long> _writes;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _queueWait;
    private Func<int>? _queuedWrites;
    private Func<int>? _writeQueues;
    private readonly ConcurrentDictionary<string, int> _localWatchers = new();
    private Func<int?>? _backplaneConnected;

    public CommunityMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _connections = _meter.CreateUpDownCounter<long>("livecommunity.connections", "{connection}", "Open hub connections");
        _watchers = _meter.CreateUpDownCounter<long>("livecommunity.watchers", "{watcher}", "Topic watches held by this instance's connections");
        _meter.CreateObservableGauge("livecommunity.watched_topics", () => _localWatchers.Count, "{topic}", "Topics with at least one watcher on this instance");
        _published = _meter.CreateCounter<long>("livecommunity.events.published", "{event}", "Logged topic events published, by type");
        _delivered = _meter.CreateCounter<long>("livecommunity.events.delivered", "{delivery}",
            "Event sends to this instance's watchers of the topic at publish time (events × local watchers)");
        _replayRequests = _meter.CreateCounter<long>("livecommunity.replay.requests", "{request}", "Watch calls with an afterSeq");
        _replayedEvents = _meter.CreateCounter<long>("livecommunity.replay.events", "{event}", "Events returned in Watch's missed lists");
        _resets = _meter.CreateCounter<long>("livecommunity.replay.resets", "{reset}", "Watch calls answered with reset: true");
        _reactionsCoalesced = _meter.CreateCounter<long>("livecommunity.reactions.coalesced", "{change}",
            "Reaction changes whose ReactionsChanged was held for the end of their target's coalescing window (counted once committed)");
        _rateLimited = _meter.CreateCounter<long>("livecommunity.rate_limited", "{call}", "Calls refused by a rate limit, by limit");
        _moderationActions = _meter.CreateCounter<long>("livecommunity.moderation.actions", "{action}", "Moderation actions, by action");
        _publishDelay = _meter.CreateHistogram<double>("livecommunity.publish.delay", "ms", "From commit to the sends being issued to the group (local sockets or the backplane)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] });
        _writes = _meter.CreateCounter<long>("livecommunity.writes", "{command}", "Write commands finished, by outcome (ok, rejected, busy, failed)");
        _batchSize = _meter.CreateHistogram<int>("livecommunity.writes.batch.size", "{command}", "Commands per batch transaction",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
        _batchDuration = _meter.CreateHistogram<double>("livecommunity.writes.batch.duration", "ms", "From a batch's start to its commit",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] });
        _queueWait = _meter.CreateHistogram<double>("livecommunity.writes.queue.wait", "ms", "From a command's arrival to the start of its batch",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000] });
        _meter.CreateObservableGauge("livecommunity.writes.queued", () => _queuedWrites?.Invoke() ?? 0, "{command}", "Write commands waiting or running on this instance");
        _meter.CreateObservableGauge("livecommunity.writes.queues", () => _writeQueues?.Invoke() ?? 0, "{topic}", "Topics with a write queue on this instance");
        _meter.CreateObservableGauge("livecommunity.backplane.connected", ObserveBackplane, "{state}", "1 when the Redis backplane is connected, 0 when not");
    }

    public void ConnectionOpened() => _connections.Add(1);
    public void ConnectionClosed() => _connections.Add(-1);

    public void Watched(string topicId)
    {
        _watchers.Add(1);
        _localWatchers.AddOrUpdate(topicId, 1, (_, n) => n + 1);
    }

    public void Unwatched(string topicId)
    {
        _watchers.Add(-1);
        // Remove the topic once nobody here watches it, without racing a concurrent Watched.
        var left = _localWatchers.AddOrUpdate(topicId, 0, (_, n) => n - 1);
        if (left <= 0)
        {
            _localWatchers.TryRemove(new KeyValuePair<string, int>(topicId, left));
        }
    }

    public void Published(string type, string topicId, long commitTimestamp)
    {
        _published.Add(1, new KeyValuePair<string, object?>("type", type));
        if (_localWatchers.TryGetValue(topicId, out var local) && local > 0)
        {
            _delivered.Add(local);
        }
        if (commitTimestamp != 0)
        {
            _publishDelay.Record(Stopwatch.GetElapsedTime(commitTimestamp).TotalMilliseconds);
        }
    }

    public void Replayed(int events, bool reset)
    {
        _replayRequests.Add(1);
        _replayedEvents.Add(events);
        if (reset)
        {
            _resets.Add(1);
        }
    }

    public void ReactionsCoalesced(int changes) => _reactionsCoalesced.Add(changes);

    public void WritesFinished(int commands, string outcome)
    {
        if (commands > 0)
        {
            _writes.Add(commands, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void WriteQueued(TimeSpan waited) => _queueWait.Record(waited.TotalMilliseconds);

    public void BatchRan(int commands, TimeSpan duration)
    {
        _batchSize.Record(commands);
        _batchDuration.Record(duration.TotalMilliseconds);
    }

    public void ObserveWriteQueueWith(Func<int> queuedWrites, Func<int> queues) => (_queuedWrites, _writeQueues) = (queuedWrites, queues);
    public void RateLimited(string limit) => _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));
    public void ModerationAction(string action) => _moderationActions.Add(1, new KeyValuePair<string, object?>("action", action));

    /// <summary>Set by the Redis backplane where one is configured; without one the gauge reports nothing.</summary>
    public void ObserveBackplaneWith(Func<int?> connected) => _backplaneConnected = connected;

    private IEnumerable<Measurement<int>> ObserveBackplane()
    {
        if (_backplaneConnected?.Invoke() is { } value)
        {
            yield return new Measurement<int>(value);
        }
    }

    public void Dispose() => _meter.Dispose();
}
