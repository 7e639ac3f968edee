using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// A reader of the offline sample coming back: a new connection, Watch(topic, the last seq it applied), and what
/// a client does with the answer: apply <c>missed</c>, or on <c>reset: true</c> (more missed than one replay
/// carries, EventLog:MaxReplayEvents) reload the missed replies and updates over REST, newest first back to its
/// last seq. Live events that come from the Watch on wait and are applied by seq after the gap, as the SDK's
/// sequencer does. Checks that every seq from its last one to the topic's end is applied once, in order,
/// each with the id the server gave that seq.
/// </summary>
public sealed class BlogResumer(string url, string topicId, long lastApplied, Api api, BlogLedger ledger)
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _applied = [];
    private List<(long Seq, string Id, bool Update)>? _waiting = [];
    private HubConnection? _connection;

    public long From { get; } = lastApplied;
    public long LastApplied { get; private set; } = lastApplied;
    /// <summary>Seqs skipped and never applied later.</summary>
    public long Missing { get; private set; }
    /// <summary>Seqs applied after a later one (live or replayed out of order).</summary>
    public long OutOfOrder { get; private set; }
    /// <summary>A seq whose item is not the one the server gave that seq when it was posted.</summary>
    public long Wrong { get; private set; }
    /// <summary>Seqs received twice (replay and live overlap) and dropped by seq, as PROTOCOL.md allows.</summary>
    public long Overlap { get; private set; }
    public int UpdatesApplied { get; private set; }
    /// <summary>Events the topic got while this reader was away: its lastSeq at the first Watch back, less <see cref="From"/>.</summary>
    public long MissedWhileAway { get; private set; }
    public int Resets { get; private set; }
    public int RestPages { get; private set; }
    public TimeSpan? CaughtUpAfter { get; private set; }
    public string? Error { get; private set; }
    public bool Complete(long topicLastSeq) => Error is null && Missing == 0 && Wrong == 0 && OutOfOrder == 0 && LastApplied == topicLastSeq;

    public async Task ResumeAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _connection = Api.Hub(url);
            _connection.On<BlogUpdateMsg>("UpdatePosted", m => Live(m.Seq, m.Update.Id, true));
            _connection.On<BlogReplyMsg>("ReplyPosted", m => Live(m.Seq, m.Reply.Id, false));
            await _connection.StartAsync(ct);
            // One Watch: from here on every live event arrives (and waits in _waiting while the gap is filled).
            var watch = await _connection.InvokeAsync<WatchResultDto>("Watch", topicId, LastApplied, ct);
            MissedWhileAway = watch.LastSeq - From;
            if (watch.Reset)
            {
                // Too much to replay (a minute of a busy discussion is far above EventLog:MaxReplayEvents): the gap
                // comes over REST, back to the last seq applied; the live events held meanwhile close it up to now.
                Resets++;
                await ReloadAsync(ct);
            }
            lock (_gate)
            {
                var seqs = watch.Missed.Select(Watcher.Seq).ToList();
                if (!seqs.SequenceEqual(seqs.Order()))
                {
                    OutOfOrder++;
                }
                foreach (var e in watch.Missed)
                {
                    var update = e.GetProperty("type").GetString() == "UpdatePosted";
                    Apply(Watcher.Seq(e), e.GetProperty(update ? "update" : "reply").GetProperty("id").GetString()!, update);
                }
                foreach (var (seq, id, update) in _waiting!.OrderBy(w => w.Seq))
                {
                    Apply(seq, id, update);
                }
                _waiting = null;
            }
            CaughtUpAfter = Stopwatch.GetElapsedTime(started);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Error = "did not catch up in time";
        }
        catch (Exception ex)
        {
            Error = ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <summary>At the end: whatever the topic holds beyond the last seq applied never arrived.</summary>
    public void Finish(long topicLastSeq)
    {
        lock (_gate)
        {
            Missing += Math.Max(0, topicLastSeq - LastApplied);
        }
    }

    public async Task LeaveAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private void Live(long seq, string id, bool update)
    {
        lock (_gate)
        {
            if (_waiting is not null)
            {
                _waiting.Add((seq, id, update));
            }
            else
            {
                Apply(seq, id, update);
            }
        }
    }

    // The reload of a reset: replies and updates newer than the last seq applied, page by page, applied by seq, up
    // to the lastSeq of the first page: the walk takes a while on a busy story, and an update posted meanwhile is
    // on the updates list but its neighbours are not on the replies pages read before; the live events held since
    // the Watch carry everything after that lastSeq.
    private async Task ReloadAsync(CancellationToken ct)
    {
        var items = new List<(long Seq, string Id, bool Update)>();
        var upTo = await PagesAsync($"/api/topics/{topicId}/replies?order=newest&limit=200", false, items, ct);
        await PagesAsync($"/api/topics/{topicId}/updates?limit=100", true, items, ct);
        items.RemoveAll(i => i.Seq > upTo);
        lock (_gate)
        {
            foreach (var (seq, id, update) in items.OrderBy(i => i.Seq))
            {
                Apply(seq, id, update);
            }
        }
    }

    /// <returns>The first page's lastSeq: what the walk is complete up to.</returns>
    private async Task<long> PagesAsync(string path, bool updates, List<(long, string, bool)> items, CancellationToken ct)
    {
        string? cursor = null;
        long? upTo = null;
        for (var pages = 0; pages < 10_000; pages++)
        {
            var page = await api.GetAsync(cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}", ct)
                ?? throw new InvalidOperationException($"GET {path} failed");
            RestPages++;
            upTo ??= page["lastSeq"]!.GetValue<long>();
            var older = false;
            foreach (var item in page["items"]!.AsArray())
            {
                var seq = item!["seq"]!.GetValue<long>();
                if (seq > LastApplied)
                {
                    items.Add((seq, item["id"]!.GetValue<string>(), updates));
                }
                older |= seq <= LastApplied;
            }
            cursor = page["nextCursor"] is JsonValue next && next.GetValueKind() == JsonValueKind.String ? next.GetValue<string>() : null;
            if (older || cursor is null)
            {
                break;
            }
        }
        return upTo ?? LastApplied;
    }

    // Under _gate.
    private void Apply(long seq, string id, bool update)
    {
        if (seq <= From || !_applied.Add(seq))
        {
            Overlap++;
            Wrong += ledger.Mismatch(seq, id) ? 1 : 0;
            return;
        }
        Wrong += ledger.Mismatch(seq, id) ? 1 : 0;
        if (seq < LastApplied)
        {
            // It was counted missing when a later seq came first.
            OutOfOrder++;
            Missing--;
        }
        else
        {
            Missing += seq - LastApplied - 1;
            LastApplied = seq;
        }
        UpdatesApplied += update ? 1 : 0;
    }
}
