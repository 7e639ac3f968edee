namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// A watcher of the fan-out scenarios (fanout, fanout-saturation, cluster-latency, smoke) on a
/// <see cref="LeanHubConnection"/>: Watch(topic) once, then each ReplyPosted counted once, its latency from the
/// reply's createdAt to receipt recorded, and seqs seen twice or skipped counted. A thousand of these receive
/// well over 100,000 messages a second at saturation on the cores the server uses; as HubConnections
/// (<see cref="Watcher"/>) they spent most of those cores themselves, so the ramp measured the load generator
/// as much as the target. Both targets get the same watchers. Scenarios that need reconnects, resumes and
/// catch-ups keep <see cref="Watcher"/>.
/// </summary>
public sealed class FanoutWatcher
{
    private readonly Lock _gate = new();
    private readonly SeenSeqs _seqs = new();
    // Only for the baseline, whose events carry no seq: its replies are told apart by a 64-bit hash of their id.
    private readonly HashSet<ulong> _replyIds = [];
    private readonly LeanHubConnection _connection;
    private readonly Latency _latency;

    public FanoutWatcher(string topicId, Latency latency)
    {
        TopicId = topicId;
        _latency = latency;
        _connection = new LeanHubConnection(OnEvent);
        _connection.Closed += notByUs => Dropped |= notByUs;
    }

    public string TopicId { get; }
    public long Received { get; private set; }
    public long Duplicates { get; private set; }
    public long Gaps { get; private set; }
    public long LastSeq { get; private set; }
    /// <summary>The server closed the connection, or the socket broke.</summary>
    public bool Dropped { get; private set; }

    public async Task StartAsync(string url, CancellationToken ct)
    {
        // A fresh watch starts at the topic's current seq: earlier events are history, not loss.
        var lastSeq = await _connection.WatchAsync(url, "Watch", TopicId, ct);
        lock (_gate)
        {
            _seqs.WatchedFrom(lastSeq);
            LastSeq = Math.Max(LastSeq, lastSeq);
        }
    }

    public Task LeaveAsync() => _connection.LeaveAsync();

    /// <summary>Opens <paramref name="count"/> watchers <paramref name="parallel"/> at a time; counts failures instead of throwing.</summary>
    public static async Task<(List<FanoutWatcher> Open, int Errors)> OpenAsync(int count, Func<int, (string Url, string Topic)> where,
        Latency latency, int parallel, CancellationToken ct)
    {
        var open = new List<FanoutWatcher>(count);
        var errors = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (i, token) =>
            {
                var (url, topic) = where(i);
                var watcher = new FanoutWatcher(topic, latency);
                try
                {
                    await watcher.StartAsync(url, token);
                    lock (open)
                    {
                        open.Add(watcher);
                    }
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    await watcher.LeaveAsync();
                }
            });
        return (open, errors);
    }

    public static async Task CloseAsync(IEnumerable<FanoutWatcher> watchers)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Parallel.ForEachAsync(watchers, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = timeout.Token },
                async (w, _) => await w.LeaveAsync());
        }
        catch (OperationCanceledException)
        {
            // What is left open ends with the process.
        }
    }

    private void OnEvent(in LeanEvent e)
    {
        if (!e.Target.SequenceEqual("ReplyPosted"u8) || e.Id.IsEmpty)
        {
            return;
        }
        var now = DateTime.UtcNow;
        lock (_gate)
        {
            if (e.Seq > 0)
            {
                // One seq per event: a reply sent twice under two seqs shows as more deliveries than posts
                // (the scenario checks that), so LiveCommunity's events need no set of reply ids.
                if (!_seqs.Add(e.Seq))
                {
                    Duplicates++;
                    return;
                }
                Gaps += e.Seq > LastSeq + 1 ? 1 : 0;
                LastSeq = Math.Max(LastSeq, e.Seq);
            }
            else if (!_replyIds.Add(Fnv1a(e.Id)))
            {
                Duplicates++; // seq 0 is the baseline's "no seq": de-duplicated by reply id only
                return;
            }
            Received++;
        }
        if (e.CreatedAt is { } created)
        {
            _latency.Record(now - (created.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(created, DateTimeKind.Utc) : created.ToUniversalTime()));
        }
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    /// <summary>
    /// The seqs a watcher has seen, kept as "every seq up to <c>_through</c>" plus the few seen ahead of it: a set of
    /// every seq grew by thousands of entries per watcher and level, and its growth (fresh, zeroed memory) took more
    /// of the load generator than reading the events. Seqs, not only the last one: on a cluster, events of one topic
    /// published by different instances can arrive out of seq order, and a late one is new, not a duplicate.
    /// </summary>
    private sealed class SeenSeqs
    {
        private readonly HashSet<long> _ahead = [];
        private long _through = -1; // -1: the Watch has not answered yet, every seq so far waits in _ahead

        /// <summary>The Watch answered with the topic's seq: what is at or below it is history, not news.</summary>
        public void WatchedFrom(long lastSeq)
        {
            _ahead.RemoveWhere(seq => seq <= lastSeq);
            _through = lastSeq;
            Advance();
        }

        /// <summary>False when <paramref name="seq"/> was seen (or is history).</summary>
        public bool Add(long seq)
        {
            if (_through >= 0 && seq <= _through)
            {
                return false;
            }
            if (_through >= 0 && seq == _through + 1)
            {
                _through = seq;
                Advance();
                return true;
            }
            return _ahead.Add(seq);
        }

        private void Advance()
        {
            while (_ahead.Remove(_through + 1))
            {
                _through++;
            }
        }
    }
}
