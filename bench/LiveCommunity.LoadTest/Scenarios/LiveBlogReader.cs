using System.Collections.Concurrent;
using System.Diagnostics;

namespace LiveCommunity.LoadTest.Scenarios;

// The slice of UpdatePosted / ReplyPosted the live blog reads: the item's id and body (whose "u12 " or "r345 "
// prefix says which post it was, so its send time is found), and its seq.
public sealed record BlogItem(string Id, long Seq, string Body);
public sealed record BlogUpdateMsg(string TopicId, long Seq, BlogItem Update);
public sealed record BlogReplyMsg(string TopicId, long Seq, BlogItem Reply);

/// <summary>
/// What was posted and what arrived, shared by every reader: each post's send time (a Stopwatch timestamp, taken
/// before its POST), the id the server gave each seq, and per update how many readers got it and how fast.
/// Receipt time minus send time is post-to-receipt latency: the write path, the fan-out and the client together.
/// </summary>
public sealed class BlogLedger(int updates, int replies)
{
    private readonly long[] _updateSent = new long[updates];
    private readonly long[] _replySent = new long[replies];
    private readonly int[] _updateReach = new int[updates];
    private readonly ConcurrentDictionary<long, string> _idBySeq = new();

    public Latency UpdateLatency { get; } = new();
    public Latency ReplyLatency { get; } = new();
    public Latency[] PerUpdate { get; } = [.. Enumerable.Range(0, updates).Select(_ => new Latency())];

    public static string UpdateBody(int k) => $"u{k} Live update {k}: what happened, in a few words of **Markdown**.";
    public static string ReplyBody(int k, string padding) => $"r{k} {padding}";

    public void Sent(bool update, int k) => (update ? _updateSent : _replySent)[k] = Stopwatch.GetTimestamp();

    /// <summary>The server's answer to a post: which item holds which seq (seq 0, the baseline's, is not kept).</summary>
    public void Accepted(BlogItem item)
    {
        if (item.Seq > 0)
        {
            _idBySeq[item.Seq] = item.Id;
        }
    }

    /// <summary>True when <paramref name="seq"/> is a post of this run under another id: an item shown twice or wrong.</summary>
    public bool Mismatch(long seq, string id) => _idBySeq.TryGetValue(seq, out var known) && known != id;

    private readonly ConcurrentDictionary<long, byte> _updateSeqs = new();

    public void AcceptedUpdate(BlogItem item)
    {
        Accepted(item);
        _updateSeqs[item.Seq] = 0;
    }

    /// <summary>Seqs of updates in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    public int UpdatesBetween(long after, long upTo) => _updateSeqs.Keys.Count(s => s > after && s <= upTo);

    public int Reach(int k) => Volatile.Read(ref _updateReach[k]);

    /// <summary>Records one delivery a reader applied (once per reader and post); <paramref name="body"/> is its UTF-8.</summary>
    public void Received(bool update, ReadOnlySpan<byte> body, long at)
    {
        var k = PostIndex(body, update ? (byte)'u' : (byte)'r');
        if (update && k >= 0 && k < _updateSent.Length && _updateSent[k] != 0)
        {
            var elapsed = Stopwatch.GetElapsedTime(_updateSent[k], at);
            UpdateLatency.Record(elapsed);
            PerUpdate[k].Record(elapsed);
            Interlocked.Increment(ref _updateReach[k]);
        }
        else if (!update && k >= 0 && k < _replySent.Length && _replySent[k] != 0)
        {
            ReplyLatency.Record(Stopwatch.GetElapsedTime(_replySent[k], at));
        }
    }

    // "u12 …" or "r345 …" → 12 or 345; -1 for anything else.
    private static int PostIndex(ReadOnlySpan<byte> body, byte prefix)
    {
        if (body.Length == 0 || body[0] != prefix)
        {
            return -1;
        }
        var k = 0;
        var i = 1;
        for (; i < body.Length && char.IsAsciiDigit((char)body[i]); i++)
        {
            k = k * 10 + (body[i] - '0');
        }
        return i > 1 && i < body.Length && body[i] == ' ' ? k : -1;
    }
}

/// <summary>
/// One reader of the story: a hub connection that called WatchUpdates(topic) once, as &lt;live-blog&gt; does, or,
/// for a reader of the discussion too, Watch(topic), as &lt;live-thread&gt; does. Keeps counts only (15,000 of them
/// share one process, so each is a <see cref="LeanHubConnection"/>): updates and replies applied, seqs skipped,
/// seqs seen twice, and whether the server closed the connection.
/// </summary>
public sealed class BlogReader
{
    private readonly Lock _gate = new();
    private readonly BlogLedger _ledger;
    private readonly string _url;
    private readonly LeanHubConnection _connection;

    /// <param name="sample">one of the offline sample: its deliveries are checked by its resumer, not measured here</param>
    /// <param name="full">a reader of the discussion too (Watch); else of the updates only (WatchUpdates)</param>
    public BlogReader(string url, BlogLedger ledger, bool sample, bool full)
    {
        _ledger = ledger;
        _url = url;
        Sample = sample;
        Full = full;
        _connection = new LeanHubConnection(OnEvent);
        // Not by us: the server cut it off (its slow-consumer protection), or the socket broke.
        _connection.Closed += notByUs => Dropped = notByUs;
    }

    public bool Sample { get; }
    public bool Full { get; }
    public long LastSeq { get; private set; }
    public int Updates { get; private set; }
    public long Replies { get; private set; }
    public long SkippedSeqs { get; private set; }
    public long Duplicates { get; private set; }
    public bool Dropped { get; private set; }

    public async Task StartAsync(string topicId, CancellationToken ct)
    {
        var lastSeq = await _connection.WatchAsync(_url, Full ? "Watch" : "WatchUpdates", topicId, ct);
        lock (_gate)
        {
            LastSeq = Math.Max(LastSeq, lastSeq);
        }
    }

    /// <summary>Closes the connection on purpose (the offline sample, the end of the run).</summary>
    public Task LeaveAsync() => _connection.LeaveAsync();

    private void OnEvent(in LeanEvent e)
    {
        var seq = e.Seq;
        var update = e.Target.SequenceEqual("UpdatePosted"u8);
        if (!update && !e.Target.SequenceEqual("ReplyPosted"u8))
        {
            return;
        }
        lock (_gate)
        {
            if (seq > 0)
            {
                // Seq 0 is the baseline's: it has no seq to check.
                if (seq <= LastSeq)
                {
                    Duplicates++;
                    return;
                }
                // Updates-only readers skip the replies' seqs by design.
                SkippedSeqs += Full ? seq - LastSeq - 1 : 0;
                LastSeq = seq;
            }
            if (update)
            {
                Updates++;
            }
            else
            {
                Replies++;
            }
        }
        if (!Sample)
        {
            _ledger.Received(update, e.Body, e.ReceivedAt);
        }
    }
}
