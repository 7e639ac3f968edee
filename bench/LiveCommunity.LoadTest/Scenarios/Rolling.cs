using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Rolling restarts under load (scripts/cluster-smoke.sh, docs/deployment.md "Rolling restarts"): through the
/// cluster's proxy, a client posts replies at a steady rate and watchers watch the topic (reconnecting and resuming
/// from their last applied seq, heeding TopicSeq and filling a gap that stays open, as the web SDK does) while a
/// command (scripts/cluster.sh roll) restarts the instances, several times in a row. Exit 0 only with no failed
/// request (a 503 with Retry-After is counted apart: the client was told to retry), no lost reply (the topic stores
/// exactly the accepted ones) and every watcher holding every event exactly once.
/// </summary>
public static class Rolling
{
    public static Command Command()
    {
        var target = new Option<string>("--target") { Description = "the cluster's proxy (nginx), e.g. http://127.0.0.1:18080", Required = true };
        var roll = new Option<string>("--roll") { Description = "the command that rolls the cluster once", DefaultValueFactory = _ => "scripts/cluster.sh roll" };
        var rolls = new Option<int>("--rolls") { Description = "rolls in a row", DefaultValueFactory = _ => 3 };
        var watchers = new Option<int>("--watchers") { Description = "watching connections", DefaultValueFactory = _ => 30 };
        var rate = new Option<double>("--rate") { Description = "replies posted per second", DefaultValueFactory = _ => 10 };
        var settle = new Option<int>("--settle") { Description = "seconds to wait for the watchers to catch up at the end", DefaultValueFactory = _ => 60 };
        var command = new Command("rolling", "rolling restarts through the proxy under a steady stream of replies: failed requests, lost replies, missed events")
        {
            target, roll, rolls, watchers, rate, settle,
        };
        command.SetAction((p, ct) => RunAsync(p.GetValue(target)!.TrimEnd('/'), p.GetValue(roll)!, p.GetValue(rolls), p.GetValue(watchers),
            p.GetValue(rate), p.GetValue(settle), ct));
        return command;
    }

    private static async Task<int> RunAsync(string url, string rollCommand, int rolls, int watcherCount, double rate, int settleSeconds, CancellationToken ct)
    {
        using var api = new Api(url);
        var moderator = await api.TokenAsync("rolling-moderator", "moderator", ct);
        var writer = await api.TokenAsync("rolling-writer", "member", ct);
        var topic = await api.CreateTopicAsync(moderator.Token, "Rolling restart", ct);

        var watchers = new List<Watcher>();
        for (var i = 0; i < watcherCount; i++)
        {
            var watcher = Watcher.Create(url, topic, null, new SdkRetry(TimeSpan.FromMinutes(3)));
            await watcher.StartAsync(ct);
            watchers.Add(watcher);
        }
        Live.Say($"rolling: {watcherCount} watchers on topic {topic} through {url}; posting {rate}/s; {rolls} rolls of `{rollCommand}`");

        var counts = new Counts();
        using var stopPosting = new CancellationTokenSource();
        var posting = PostAsync(url, writer.Token, topic, rate, counts, stopPosting.Token);
        var rollFailures = 0;
        for (var r = 1; r <= rolls; r++)
        {
            var started = Stopwatch.GetTimestamp();
            var exit = await RunCommandAsync(rollCommand, ct);
            Live.Say($"  roll {r}: exit {exit} after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; so far {counts}");
            rollFailures += exit == 0 ? 0 : 1;
        }
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // posting on the rolled cluster
        await stopPosting.CancelAsync();
        await posting;

        var stored = (await api.GetAsync($"/api/topics/{topic}", ct))?["replyCount"]?.GetValue<int>() ?? -1;
        var lastSeq = (await api.GetAsync($"/api/topics/{topic}", ct))?["lastSeq"]?.GetValue<long>() ?? -1;
        var accepted = counts.AcceptedIds();
        var settling = Stopwatch.GetTimestamp();
        var deadline = settling + Stopwatch.Frequency * settleSeconds;
        long filled = 0;
        var gapsFilled = false;
        while (Stopwatch.GetTimestamp() < deadline && watchers.Any(w => !Complete(w, accepted, lastSeq)))
        {
            await Task.Delay(250, ct);
            if (!gapsFilled && Stopwatch.GetElapsedTime(settling) > GapHold)
            {
                // A gap still open after the hold: what the web SDK's sequencer does then is Watch again from the
                // last seq it applied. Counted apart, so events that never arrived live stay visible.
                foreach (var watcher in watchers.Where(w => !Complete(w, accepted, lastSeq)))
                {
                    filled += await watcher.FillGapsAsync(lastSeq, ct);
                }
                gapsFilled = true;
            }
        }
        var behind = watchers.Count(w => !Complete(w, accepted, lastSeq));
        var missedEvents = watchers.Sum(w => w.MissingSeqs(lastSeq));
        // A seq received twice (live, and again in a resume's replay) is dropped by seq, as PROTOCOL.md tells clients
        // to; a reply received under a second seq would be a duplicated event, which no client can drop.
        var dropped = watchers.Sum(w => w.Duplicates);
        var repeated = watchers.Sum(w => w.RepeatedReplies);
        var outOfOrder = watchers.Sum(w => w.Gaps);
        var reconnects = watchers.Count(w => w.ResumedAt is not null);
        var catchUps = watchers.Sum(w => w.CatchUps);
        foreach (var watcher in watchers)
        {
            await watcher.Connection.DisposeAsync();
        }

        var lost = Math.Max(0, accepted.Count - stored);
        var unanswered = Math.Max(0, stored - accepted.Count);
        Live.Say(string.Create(CultureInfo.InvariantCulture,
            $"rolling: {rolls} rolls ({rollFailures} failed); requests: {counts}; topic stores {stored} replies (lost {lost}, " +
            $"stored without a 201 {unanswered}); watchers: {watcherCount}, {reconnects} resumed after a reconnect, {behind} incomplete, " +
            $"{missedEvents} missed events, {repeated} replies under a second seq, {dropped} seqs received twice (dropped by seq), " +
            $"{outOfOrder} events that arrived ahead of a gap (applied in seq order), " +
            $"{catchUps} Watch calls after a TopicSeq showed a watcher behind, " +
            $"{filled} events recovered by Watch after a gap stayed open {GapHold.TotalSeconds:F0} s"));
        var ok = rollFailures == 0 && counts.Failed == 0 && lost == 0 && unanswered == 0 && behind == 0 && missedEvents == 0 && repeated == 0;
        Live.Say(ok ? "rolling: passed" : "rolling: FAILED");
        return ok ? 0 : 1;
    }

    /// <summary>How long a gap may stay open before the watcher fills it, as the web SDK's sequencer does.</summary>
    private static readonly TimeSpan GapHold = TimeSpan.FromSeconds(5);

    private static bool Complete(Watcher watcher, IReadOnlyCollection<string> accepted, long lastSeq) =>
        watcher.MissingSeqs(lastSeq) == 0 && accepted.All(watcher.HasReply);

    /// <summary>One reply at a time at the given rate, as one user would, over one pooled HttpClient (keep-alive).</summary>
    private static async Task PostAsync(string url, string token, string topic, double rate, Counts counts, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        var interval = TimeSpan.FromSeconds(1 / rate);
        var next = Stopwatch.GetTimestamp();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await SendReplyAsync(http, token, topic, i, counts);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                    counts.Accepted(reply!["id"]!.GetValue<string>());
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
                {
                    counts.Busy();
                }
                else
                {
                    counts.Fail($"{(int)response.StatusCode}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                counts.Fail(ex.InnerException?.Message ?? ex.Message);
            }
            next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Sends one reply. A kept-alive connection that the proxy closed just as the request went out (nginx's old
    /// workers close idle client connections when it reloads, as `cluster.sh roll` makes it do) ends with no
    /// byte of response, or with a reset when the request's bytes reached the closing socket: browsers send such a
    /// request again on a new connection, and so does this client, at most twice. Whether that was safe is
    /// checked at the end: a resent reply that had been stored after all would show as "stored without a 201".
    /// </summary>
    private static async Task<HttpResponseMessage> SendReplyAsync(HttpClient http, string token, string topic, int i, Counts counts)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topic}/replies")
            {
                Content = JsonContent.Create(new { body = $"rolling reply {i}" }),
            };
            request.Headers.Authorization = new("Bearer", token);
            try
            {
                return await http.SendAsync(request, CancellationToken.None);
            }
            catch (HttpRequestException ex) when (attempt < 2 && (ex.HttpRequestError == HttpRequestError.ResponseEnded || IsReset(ex)))
            {
                counts.Resent();
            }
        }
    }

    private static bool IsReset(HttpRequestException ex) =>
        ex.InnerException is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } };

    private static async Task<int> RunCommandAsync(string command, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start bash");
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    private sealed class Counts
    {
        private readonly Lock _gate = new();
        private readonly List<string> _accepted = [];
        private readonly Dictionary<string, int> _failures = [];
        private int _busy;
        private int _resent;

        public int Failed { get { lock (_gate) { return _failures.Values.Sum(); } } }

        public void Accepted(string id) { lock (_gate) { _accepted.Add(id); } }
        public void Busy() { lock (_gate) { _busy++; } }
        public void Resent() { lock (_gate) { _resent++; } }
        public void Fail(string why) { lock (_gate) { _failures[why] = _failures.GetValueOrDefault(why) + 1; } }
        public IReadOnlyCollection<string> AcceptedIds() { lock (_gate) { return [.. _accepted]; } }

        public override string ToString()
        {
            lock (_gate)
            {
                var failures = _failures.Count == 0 ? "" : " (" + string.Join(", ", _failures.Select(f => $"{f.Value} × {f.Key}")) + ")";
                return $"{_accepted.Count} accepted, {_busy} × 503 with Retry-After, {_resent} resent after the proxy closed an idle connection, {_failures.Values.Sum()} failed{failures}";
            }
        }
    }
}
