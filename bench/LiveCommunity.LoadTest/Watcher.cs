using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest;

/// <summary>
/// One watching client: counts ReplyPosted deliveries, records post-to-delivery latency, and keeps the
/// set of seqs and reply ids it applied, so loss, gaps and duplicates are counted, not guessed.
/// </summary>
public sealed class Watcher(HubConnection connection, string topicId, Latency? latency)
{
    /// <summary>Where latencies go; swapped between the phases of a scenario.</summary>
    private readonly Dictionary<string, (long Seq, int Likes)> _likes = new(StringComparer.Ordinal);
    public Latency? Latency { get; set; } = latency;

    private readonly Lock _gate = new();
    private readonly HashSet<long> _seqs = [];
    private readonly HashSet<string> _replyIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removedIds = new(StringComparer.Ordinal);
    private long _lastReactionSeq;

    /// <summary>Called once per distinct ReplyRemoved, outside the lock, with the reply id and the
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp taken on receipt.</summary>
    public Action<string, long>? Removed { get; set; }

    public HubConnection Connection { get; } = connection;
    public string TopicId { get; } = topicId;
    public long Received { get; private set; }
    public long Duplicates { get; private set; }
    public long Gaps { get; private set; }
    /// <summary>A reply applied a second time under another seq: a duplicated event, which seq de-duplication cannot catch.</summary>
    public long RepeatedReplies { get; private set; }
    public long LastSeq { get; private set; }
    public long ReactionEvents { get; private set; }
    public int? LastLikeCount { get; private set; }
    public DateTime? ResumedAt { get; private set; }
    /// <summary>Watches again after a TopicSeq showed this watcher behind.</summary>
    public int CatchUps { get; private set; }
    public int Resets { get; private set; }
    public int Distinct { get { lock (_gate) { return _replyIds.Count; } } }
    /// <summary>Distinct replies this watcher saw removed live (ReplyRemoved events).</summary>
    public int RemovalsReceived { get { lock (_gate) { return _removedIds.Count; } } }

    public static Watcher Create(string url, string topicId, Latency? latency, IRetryPolicy? retry = null,
        Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure = null)
    {
        var watcher = new Watcher(Api.Hub(url, retry, configure: configure), topicId, latency);
        watcher.Connection.On<ReplyPostedMsg>("ReplyPosted", watcher.OnReplyPosted);
        watcher.Connection.On<ReactionsChangedMsg>("ReactionsChanged", watcher.OnReactions);
        watcher.Connection.On<ReplyRemovedMsg>("ReplyRemoved", watcher.OnReplyRemoved);
        if (retry is not null)
        {
            // After a reconnect: Watch again with the last seq applied, and apply what was missed.
            watcher.Connection.Reconnected += async _ =>
            {
                await watcher.ResumeAsync();
                watcher.ResumedAt = DateTime.UtcNow;
            };
            // TopicSeq (PROTOCOL.md v3): an instance that knows its watchers may have missed events (its backplane
            // subscription came late, a publish failed) tells them the topic's last seq; behind it, the SDK watches
            // again from its last applied seq (LiveThread.heard).
            watcher.Connection.On<TopicSeqMsg>("TopicSeq", message =>
            {
                if (message.TopicId == watcher.TopicId && message.LastSeq > watcher.LastApplied())
                {
                    _ = watcher.CatchUpAsync();
                }
            });
        }
        return watcher;
    }

    public bool HasReply(string replyId) { lock (_gate) { return _replyIds.Contains(replyId); } }

    /// <summary>The "like" count of the newest ReactionsChanged of a reply this watcher received, or null.</summary>
    public int? LikeCountOf(string targetId) { lock (_gate) { return _likes.TryGetValue(targetId, out var v) ? v.Likes : null; } }

    public bool HasRemoved(string replyId) { lock (_gate) { return _removedIds.Contains(replyId); } }

    public async Task StartAsync(CancellationToken ct)
    {
        await Connection.StartAsync(ct);
        await WatchAsync(resume: false, ct);
    }

    /// <summary>
    /// Watch again from the last seq applied. A refusal that names a wait ("busy, retry in 2 s": the instance's
    /// database pool was full with everyone else resuming) is tried again after it, as the web SDK does.
    /// </summary>
    private async Task ResumeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await WatchAsync(resume: true, CancellationToken.None);
                return;
            }
            catch (HubException ex) when (attempt < 20 && RetryIn.Match(ex.Message) is { Success: true } wait)
            {
                await Task.Delay(TimeSpan.FromSeconds(int.Parse(wait.Groups[1].Value, CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>A Watch from the last applied seq after a TopicSeq showed this watcher behind; counted in <see cref="CatchUps"/>.</summary>
    private async Task CatchUpAsync()
    {
        try
        {
            await WatchAsync(resume: true, CancellationToken.None);
            lock (_gate)
            {
                CatchUps++;
            }
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or OperationCanceledException)
        {
            // Not connected right now, or refused: the reconnect's resume or the next TopicSeq tries again.
        }
    }

    private static readonly System.Text.RegularExpressions.Regex RetryIn = new(@"retry in (\d+) s");

    /// <summary>
    /// What the web SDK's sequencer does when a live event skips a seq (an instance died between committing an
    /// event and publishing it, so nobody got it live): Watch again from the last seq before the gap. Returns the
    /// seqs this recovered.
    /// </summary>
    public async Task<long> FillGapsAsync(long topicLastSeq, CancellationToken ct)
    {
        var applied = LastApplied();
        if (applied >= topicLastSeq)
        {
            return 0;
        }
        var before = MissingSeqs(topicLastSeq);
        await WatchAsync(resume: true, ct, after: applied);
        return before - MissingSeqs(topicLastSeq);
    }

    /// <summary>
    /// The last seq before the first one not applied: where the web SDK's sequencer resumes from (its
    /// lastApplied). Not <see cref="LastSeq"/>: on a cluster, events published by different instances arrive out of
    /// order, and a reconnect while one is still in flight would skip it for good.
    /// </summary>
    public long LastApplied()
    {
        lock (_gate)
        {
            var applied = 0L;
            while (_seqs.Contains(applied + 1))
            {
                applied++;
            }
            return applied;
        }
    }

    public async Task WatchAsync(bool resume, CancellationToken ct, long? after = null)
    {
        if (after is null && resume && LastApplied() is > 0 and var applied)
        {
            after = applied;
        }
        var result = await Connection.InvokeAsync<WatchResultDto>("Watch", TopicId, after, ct);
        lock (_gate)
        {
            if (result.Reset)
            {
                Resets++;
            }
            foreach (var item in result.Missed)
            {
                var seq = item.GetProperty("seq").GetInt64();
                string? replyId = null;
                if (item.TryGetProperty("reply", out var reply))
                {
                    replyId = reply.GetProperty("id").GetString();
                }
                Apply(seq, item.GetProperty("type").GetString() == "ReplyPosted" ? replyId : null);
            }
            if (!resume && result.LastSeq > LastSeq)
            {
                // A fresh watch starts at the topic's current seq: earlier events are history, not loss.
                LastSeq = result.LastSeq;
                for (var s = 1; s <= result.LastSeq; s++)
                {
                    _seqs.Add(s);
                }
            }
        }
    }

    private void OnReplyPosted(ReplyPostedMsg message)
    {
        var now = DateTime.UtcNow;
        var created = message.Reply.CreatedAt.Kind == DateTimeKind.Unspecified
            ? DateTime.SpecifyKind(message.Reply.CreatedAt, DateTimeKind.Utc)
            : message.Reply.CreatedAt.ToUniversalTime();
        lock (_gate)
        {
            if (Apply(message.Seq, message.Reply.Id))
            {
                Latency?.Record(now - created);
            }
        }
    }

    private void OnReplyRemoved(ReplyRemovedMsg message)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        bool fresh;
        lock (_gate)
        {
            fresh = Apply(message.Seq, null) && _removedIds.Add(message.ReplyId);
            if (!fresh && message.Seq == 0)
            {
                Duplicates++;
            }
        }
        if (fresh)
        {
            Removed?.Invoke(message.ReplyId, now);
        }
    }

    private void OnReactions(ReactionsChangedMsg message)
    {
        lock (_gate)
        {
            if (message.Seq == 0 || _seqs.Add(message.Seq))
            {
                ReactionEvents++;
                // Counts are absolute: the highest seq wins. On a cluster, events of one topic published by
                // different instances can arrive out of seq order.
                if (message.Reactions.TryGetValue("like", out var likes))
                {
                    if (message.Seq == 0 || message.Seq > _lastReactionSeq)
                    {
                        LastLikeCount = likes;
                        _lastReactionSeq = message.Seq;
                    }
                    // Per target, the count of the newest event wins.
                    var target = message.ReplyId ?? message.TopicId;
                    if (!_likes.TryGetValue(target, out var known) || message.Seq == 0 || message.Seq > known.Seq)
                    {
                        _likes[target] = (message.Seq, likes);
                    }
                }
                if (message.Seq > LastSeq)
                {
                    LastSeq = message.Seq;
                }
            }
            else
            {
                Duplicates++;
            }
        }
    }

    /// <summary>True when the event is new. Seq 0 is the baseline's "no seq": de-duplicated by reply id only.</summary>
    private bool Apply(long seq, string? replyId)
    {
        if (seq > 0)
        {
            if (!_seqs.Add(seq))
            {
                Duplicates++;
                return false;
            }
            if (seq > LastSeq + 1)
            {
                Gaps++;
            }
            if (seq > LastSeq)
            {
                LastSeq = seq;
            }
        }
        if (replyId is not null)
        {
            if (!_replyIds.Add(replyId))
            {
                if (seq == 0)
                {
                    Duplicates++;
                }
                else
                {
                    RepeatedReplies++;
                }
                return false;
            }
            Received++;
        }
        return true;
    }

    /// <summary>Seqs from 1 to the topic's last seq that this watcher never applied.</summary>
    public long MissingSeqs(long topicLastSeq)
    {
        lock (_gate)
        {
            long missing = 0;
            for (long s = 1; s <= topicLastSeq; s++)
            {
                if (!_seqs.Contains(s))
                {
                    missing++;
                }
            }
            return missing;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TopicId}: {Received}");

    public static long Seq(JsonElement e) => e.GetProperty("seq").GetInt64();
}
