using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// One child process of <see cref="ClusterScale"/>: holds its share of the watchers (each process stays under
/// the per-process open-file limit) and answers the coordinator. Protocol: one JSON command per line on stdin
/// (<c>{"id":1,"cmd":"status","args":{…}}</c>), one answer per line on stdout prefixed <c>@@</c>, logs on stderr.
/// Commands run concurrently, so "status" answers while "open" is still running.
/// <para>
/// Each watcher connects to its home instance. When its instance is gone it reconnects with the web SDK's retry
/// policy to the next instance that answers (what a client behind a round-robin proxy sees; the order alternates
/// per watcher, so a dead instance's watchers spread evenly over the survivors) and resumes with
/// Watch(topicId, lastSeq).
/// </para>
/// </summary>
public sealed class ClusterScaleWorker
{
    /// <summary>What the coordinator hands a worker: instance URLs, topic ids, and [topic, home instance] per watcher.</summary>
    public sealed record Plan(string[] Urls, string[] Topics, int[][] Watchers, int Parallel, double GiveUpSeconds);

    private sealed class Slot(int index, int topic, int home)
    {
        public int Index { get; } = index;
        public int Topic { get; } = topic;
        /// <summary>The instance it is (or was last) connected to.</summary>
        public volatile int Instance = home;
        public Watcher Watcher = null!;
        public volatile bool Open;
        public volatile bool Retired;
        public volatile bool Victim;
        public long PresenceEvents;
        /// <summary>When the connection was last lost, and when a socket to an instance was last opened (UTC).</summary>
        public DateTime? LostAt, SocketAt;

        public bool Active => Open && !Retired;
    }

    private readonly Plan _plan;
    private readonly List<Slot> _slots = [];
    private readonly ConcurrentDictionary<string, Latency> _histograms = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string ReplyId, int Instance, long At)> _removals = new();
    private readonly Lock _stdout = new();
    private readonly ConcurrentDictionary<string, int> _retryReasons = new(StringComparer.Ordinal);
    private volatile string _phase = "connect";
    private DateTime? _killedAt;
    private int _killed = -1;

    private ClusterScaleWorker(Plan plan)
    {
        _plan = plan;
        var retry = new CountingRetry(new SdkRetry(TimeSpan.FromSeconds(plan.GiveUpSeconds)), _retryReasons);
        foreach (var w in plan.Watchers)
        {
            var slot = new Slot(_slots.Count, w[0], w[1]);
            slot.Watcher = Watcher.Create(plan.Urls[w[1]], plan.Topics[w[0]], null, retry, o =>
            {
                o.WebSocketFactory = (context, ct) => ConnectAsync(slot, context, ct);
                // 12,500 connections with the default 1 MB buffers each could hold gigabytes when this process falls
                // behind; smaller ones push back to the server's socket instead.
                o.TransportMaxBufferSize = 256 * 1024;
                o.ApplicationMaxBufferSize = 256 * 1024;
            });
            slot.Watcher.Connection.On<JsonElement>("PresenceChanged", _ => Interlocked.Increment(ref slot.PresenceEvents));
            slot.Watcher.Removed = (id, at) => _removals.Enqueue((id, slot.Instance, at));
            slot.Watcher.Connection.Reconnecting += _ =>
            {
                slot.LostAt = DateTime.UtcNow;
                return Task.CompletedTask;
            };
            _slots.Add(slot);
        }
    }

    public static async Task<int> RunAsync(string planPath)
    {
        // Thousands of connections complete their work in bursts on a machine whose cores are busy: start with
        // enough pool threads that a command is never queued behind the pool's slow thread injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
        var plan = JsonSerializer.Deserialize<Plan>(await File.ReadAllTextAsync(planPath), ScenarioResult.Json)!;
        var worker = new ClusterScaleWorker(plan);
        var running = new List<Task>();
        // Console.In reads synchronously even through ReadLineAsync: read it on a thread of its own, not the pool's.
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string?>();
        var reader = new Thread(() =>
        {
            while (Console.In.ReadLine() is { } l)
            {
                lines.Writer.TryWrite(l);
            }
            lines.Writer.TryComplete();
        }) { IsBackground = true, Name = "stdin" };
        reader.Start();
        // Without its coordinator a worker has nothing to do: leave when it is gone, however it went.
        var parent = Environment.GetEnvironmentVariable("LC_SCALE_PARENT_PID");
        using var orphanCheck = new Timer(_ =>
        {
            if (parent is not null && !Directory.Exists($"/proc/{parent}"))
            {
                Environment.Exit(3);
            }
        }, null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        await foreach (var line in lines.Reader.ReadAllAsync())
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var request = JsonNode.Parse(line)!.AsObject();
            var id = request["id"]!.GetValue<long>();
            var cmd = request["cmd"]!.GetValue<string>();
            if (cmd == "exit")
            {
                worker.Answer(id, new JsonObject());
                break;
            }
            running.Add(Task.Run(async () =>
            {
                try
                {
                    worker.Answer(id, await worker.HandleAsync(cmd, request["args"]?.AsObject() ?? []));
                }
                catch (Exception ex)
                {
                    worker.Answer(id, null, ex.GetType().Name + ": " + ex.Message);
                }
            }));
        }
        // Exiting closes every socket at once; closing tens of thousands one by one measures nothing.
        return 0;
    }

    private void Answer(long id, JsonNode? data, string? error = null)
    {
        var answer = new JsonObject { ["id"] = id, ["ok"] = error is null, ["data"] = data, ["error"] = error };
        var text = "@@" + answer.ToJsonString();
        lock (_stdout)
        {
            Console.Out.WriteLine(text);
            Console.Out.Flush();
        }
    }

    private Task<JsonObject> HandleAsync(string cmd, JsonObject args) => cmd switch
    {
        "open" => OpenAsync(),
        "status" => Task.FromResult(Status()),
        "phase" => Task.FromResult(SetPhase(args["name"]!.GetValue<string>())),
        "trim" => TrimAsync(args["keep"]!.AsArray().Select(k => k!.GetValue<int>()).ToArray()),
        "mark" => Task.FromResult(MarkVictims(args["instance"]!.GetValue<int>())),
        "killed" => Task.FromResult(Killed(args["at"]!.GetValue<DateTime>())),
        "likes" => Task.FromResult(Likes(args["topic"]!.GetValue<int>(), args["expected"]!.GetValue<int>())),
        "has" => Task.FromResult(Has(args["topic"]!.GetValue<int>(), Ids(args), removed: false)),
        "removed" => Task.FromResult(Has(args["topic"]!.GetValue<int>(), Ids(args), removed: true)),
        "removals" => Task.FromResult(RemovalLatency(args["sent"]!.AsObject())),
        "check" => CheckAsync(args["lastSeq"]!.AsArray(), args["replies"]!.AsArray(), args["fillGaps"]?.GetValue<bool>() == true),
        "report" => Task.FromResult(Report()),
        _ => throw new ArgumentException($"unknown command {cmd}"),
    };

    private static string[] Ids(JsonObject args) => [.. args["ids"]!.AsArray().Select(i => i!.GetValue<string>())];

    private Latency Histogram(string phase, string kind, int instance) =>
        _histograms.GetOrAdd($"{phase}|{kind}|{instance}", _ => new Latency());

    /// <summary>Connects to the slot's instance, or when that one refuses, to the next one that answers.</summary>
    private async ValueTask<WebSocket> ConnectAsync(Slot slot, WebSocketConnectionContext context, CancellationToken ct)
    {
        var n = _plan.Urls.Length;
        var current = slot.Instance;
        Exception? last = null;
        for (var attempt = 0; attempt < n; attempt++)
        {
            // The current instance first, then the others rotated by the watcher's index.
            var candidate = attempt == 0 ? current : (current + 1 + (attempt - 1 + slot.Index) % (n - 1)) % n;
            var target = new Uri(_plan.Urls[candidate]);
            var uri = new UriBuilder(context.Uri) { Host = target.Host, Port = target.Port }.Uri;
            var socket = new ClientWebSocket();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30)); // a dropped SYN must not hold the attempt for minutes
            try
            {
                await socket.ConnectAsync(uri, timeout.Token);
                slot.SocketAt = DateTime.UtcNow;
                slot.Instance = candidate;
                slot.Watcher.Latency = Histogram(_phase, "post", candidate);
                return socket;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                last = ex;
                var why = candidate == _killed ? "the killed instance" : ex.GetType().Name + ": " + ex.Message;
                _retryReasons.AddOrUpdate("socket to " + why[..Math.Min(why.Length, 100)], 1, (_, k) => k + 1);
            }
        }
        throw last ?? new WebSocketException("no instance answered");
    }

    private async Task<JsonObject> OpenAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var errors = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(_slots, new ParallelOptions { MaxDegreeOfParallelism = _plan.Parallel }, async (slot, _) =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await slot.Watcher.StartAsync(timeout.Token);
                slot.Open = true;
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref errors) == 1)
                {
                    firstError = ex.GetType().Name + ": " + ex.Message;
                }
                slot.Retired = true;
                await slot.Watcher.Connection.DisposeAsync();
            }
        });
        return new JsonObject
        {
            ["opened"] = _slots.Count(s => s.Open),
            ["errors"] = errors,
            ["firstError"] = firstError,
            ["seconds"] = Stopwatch.GetElapsedTime(start).TotalSeconds,
        };
    }

    private JsonObject Status()
    {
        var n = _plan.Urls.Length;
        var connected = new int[n];
        int reconnecting = 0, disconnected = 0, victims = 0, resumed = 0;
        long posted = 0, reactions = 0, removals = 0, presence = 0;
        DateTime? lastResume = null;
        foreach (var s in _slots)
        {
            var w = s.Watcher;
            posted += w.Received;
            reactions += w.ReactionEvents;
            removals += w.RemovalsReceived;
            presence += Interlocked.Read(ref s.PresenceEvents);
            if (!s.Active)
            {
                continue;
            }
            switch (w.Connection.State)
            {
                case HubConnectionState.Connected:
                    connected[s.Instance]++;
                    break;
                case HubConnectionState.Reconnecting or HubConnectionState.Connecting:
                    reconnecting++;
                    break;
                default:
                    disconnected++;
                    break;
            }
            if (s.Victim)
            {
                victims++;
                if (_killedAt is { } killedAt && w.ResumedAt > killedAt && s.Instance != _killed && w.Connection.State == HubConnectionState.Connected)
                {
                    resumed++;
                    lastResume = lastResume is null || w.ResumedAt > lastResume ? w.ResumedAt : lastResume;
                }
            }
        }
        return new JsonObject
        {
            ["connected"] = new JsonArray([.. connected.Select(c => (JsonNode)c)]),
            ["reconnecting"] = reconnecting,
            ["disconnected"] = disconnected,
            ["posted"] = posted,
            ["reactions"] = reactions,
            ["removals"] = removals,
            ["presence"] = presence,
            ["victims"] = victims,
            ["victimsResumed"] = resumed,
            ["lastResume"] = lastResume,
        };
    }

    private JsonObject SetPhase(string name)
    {
        _phase = name;
        foreach (var s in _slots)
        {
            s.Watcher.Latency = Histogram(name, "post", s.Instance);
        }
        return new JsonObject();
    }

    /// <summary>Closes this worker's watchers on an instance beyond keep[instance] (-1: none), newest first.</summary>
    private async Task<JsonObject> TrimAsync(int[] keep)
    {
        var close = new List<Slot>();
        for (var i = 0; i < keep.Length; i++)
        {
            if (keep[i] < 0)
            {
                continue;
            }
            var on = _slots.Where(s => s.Active && s.Instance == i).OrderByDescending(s => s.Index).ToList();
            close.AddRange(on.Take(Math.Max(0, on.Count - keep[i])));
        }
        foreach (var s in close)
        {
            s.Retired = true;
        }
        await Parallel.ForEachAsync(close, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, _) => await s.Watcher.Connection.DisposeAsync());
        return new JsonObject { ["closed"] = close.Count };
    }

    private JsonObject MarkVictims(int instance)
    {
        _killed = instance;
        var victims = 0;
        foreach (var s in _slots.Where(s => s.Active && s.Instance == instance && s.Watcher.Connection.State == HubConnectionState.Connected))
        {
            s.Victim = true;
            victims++;
        }
        return new JsonObject { ["victims"] = victims };
    }

    private JsonObject Killed(DateTime at)
    {
        _killedAt = at.ToUniversalTime();
        SetPhase("kill");
        return new JsonObject();
    }

    private JsonObject Likes(int topic, int expected)
    {
        var on = _slots.Where(s => s.Active && s.Topic == topic).ToList();
        return new JsonObject { ["watchers"] = on.Count, ["exact"] = on.Count(s => s.Watcher.LastLikeCount == expected) };
    }

    private JsonObject Has(int topic, string[] ids, bool removed)
    {
        var on = _slots.Where(s => s.Active && s.Topic == topic).ToList();
        var complete = on.Count(s => ids.All(id => removed ? s.Watcher.HasRemoved(id) : s.Watcher.HasReply(id)));
        return new JsonObject { ["watchers"] = on.Count, ["complete"] = complete };
    }

    /// <summary>Removal latency per instance: from the coordinator's send time to each watcher's receipt (one monotonic clock).</summary>
    private JsonObject RemovalLatency(JsonObject sent)
    {
        var at = sent.ToDictionary(p => p.Key, p => p.Value!.GetValue<long>(), StringComparer.Ordinal);
        int recorded = 0, unexpected = 0;
        while (_removals.TryDequeue(out var r))
        {
            if (at.TryGetValue(r.ReplyId, out var t0))
            {
                Histogram("removal", "removal", r.Instance).Record(Stopwatch.GetElapsedTime(t0, r.At));
                recorded++;
            }
            else
            {
                unexpected++;
            }
        }
        return new JsonObject { ["recorded"] = recorded, ["unexpected"] = unexpected };
    }

    /// <summary>
    /// The end state of every watcher still open: each seq of its topic up to lastSeq applied, each reply posted
    /// (201) while it watched present, nothing applied twice. A watcher with a gap first asks for it, as the SDK
    /// does when a live event skips a seq; what that recovered is counted apart.
    /// </summary>
    private async Task<JsonObject> CheckAsync(JsonArray lastSeq, JsonArray replies, bool fillGaps)
    {
        var last = lastSeq.Select(x => x!.GetValue<long>()).ToArray();
        var ids = replies.Select(list => list!.AsArray().Select(i => i!.GetValue<string>()).ToArray()).ToArray();
        long filled = 0;
        foreach (var s in _slots.Where(s => fillGaps && s.Active && s.Watcher.Connection.State == HubConnectionState.Connected))
        {
            try
            {
                filled += await s.Watcher.FillGapsAsync(last[s.Topic], CancellationToken.None);
            }
            catch (Exception ex) when (ex is HubException or InvalidOperationException)
            {
                // counted below as missing
            }
        }
        long missingSeqs = 0, missingReplies = 0, redeliveries = 0, repeated = 0, gaps = 0, resets = 0;
        int watchers = 0, incomplete = 0, notConnected = 0;
        foreach (var s in _slots.Where(s => s.Active))
        {
            var w = s.Watcher;
            watchers++;
            var missing = w.MissingSeqs(last[s.Topic]);
            var missingIds = ids[s.Topic].LongCount(id => !w.HasReply(id));
            missingSeqs += missing;
            missingReplies += missingIds;
            if (missing > 0 || missingIds > 0)
            {
                incomplete++;
            }
            if (w.Connection.State != HubConnectionState.Connected)
            {
                notConnected++;
            }
            redeliveries += w.Duplicates;
            repeated += w.RepeatedReplies;
            gaps += w.Gaps;
            resets += w.Resets;
        }
        return new JsonObject
        {
            ["watchers"] = watchers,
            ["incomplete"] = incomplete,
            ["notConnected"] = notConnected,
            ["missingSeqs"] = missingSeqs,
            ["missingReplies"] = missingReplies,
            ["redeliveries"] = redeliveries,
            ["repeatedReplies"] = repeated,
            ["gaps"] = gaps,
            ["resets"] = resets,
            ["gapsFilled"] = filled,
        };
    }

    private JsonObject Report()
    {
        var histograms = new JsonObject();
        foreach (var (key, latency) in _histograms)
        {
            histograms[key] = JsonSerializer.SerializeToNode(latency.Export());
        }
        // A victim's way back, each from the kill: connection lost, socket to a survivor open, resumed (Watch answered).
        Latency lost = new(), socket = new(), resume = new();
        if (_killedAt is { } killedAt)
        {
            foreach (var s in _slots.Where(s => s.Victim && s.Watcher.ResumedAt > killedAt))
            {
                lost.Record((s.LostAt ?? killedAt) - killedAt);
                socket.Record((s.SocketAt ?? killedAt) - killedAt);
                resume.Record(s.Watcher.ResumedAt!.Value - killedAt);
            }
        }
        return new JsonObject
        {
            ["histograms"] = histograms,
            ["lost"] = JsonSerializer.SerializeToNode(lost.Export()),
            ["socket"] = JsonSerializer.SerializeToNode(socket.Export()),
            ["resume"] = JsonSerializer.SerializeToNode(resume.Export()),
            ["rssMb"] = Environment.WorkingSet / 1048576.0,
            ["retryReasons"] = JsonSerializer.SerializeToNode(_retryReasons.ToDictionary()),
        };
    }
}

/// <summary>Counts why reconnect attempts failed (the first call of an outage carries why the connection was lost).</summary>
internal sealed class CountingRetry(IRetryPolicy inner, ConcurrentDictionary<string, int> reasons) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        var why = retryContext.RetryReason is { } ex ? ex.GetType().Name + ": " + ex.Message : "?";
        var key = (retryContext.PreviousRetryCount == 0 ? "lost: " : "attempt failed: ") + why[..Math.Min(why.Length, 120)];
        reasons.AddOrUpdate(key, 1, (_, n) => n + 1);
        return inner.NextRetryDelay(retryContext);
    }
}
