using System.Globalization;

namespace LiveCommunity.LoadTest.Scenarios;

/// <summary>
/// Scale-out on the local cluster (scripts/cluster.sh: N instances, PostgreSQL, Redis). This process coordinates;
/// the watchers live in several child processes (<see cref="ClusterScaleWorker"/>), each under the per-process
/// open-file limit, spread evenly over the instances and over T topics with a skewed popularity (one hot topic with
/// a share of them, the rest Zipf-like). Phases, with replies posted at a steady rate over all topics throughout:
/// <list type="number">
/// <item>connect: every watcher opens and watches; server memory per connection per instance, Redis channels;</item>
/// <item>steady: posting only; deliveries/s, post-to-delivery latency per instance, CPU, Redis and PostgreSQL rates;</item>
/// <item>reactions: a reaction storm on one reply of the hot topic; events per watcher, exact final counts;</item>
/// <item>removal: a moderator removes replies of the hot topic quickly; removal-to-delivery latency per instance;</item>
/// <item>kill: the survivors shed watchers until they can take the victim's share under the open-file limit, then one
///   instance is killed with SIGKILL; its watchers reconnect to the others and resume; time until all resumed;</item>
/// <item>check: every watcher still open has applied every seq of its topic and every reply posted, none twice.</item>
/// </list>
/// </summary>
public static partial class ClusterScale
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Options(
        int Watchers, int Topics, double HotShare, double Zipf, int Processes, int OpenParallel,
        double Rate, int Writers, int BodyChars, int SteadySeconds,
        int Reactors, double ReactionRate, int ReactionSeconds,
        int Removals, double RemovalRate,
        bool Kill, int KillInstance, int MaxPerInstance, int AfterKillSeconds, int ResumeTimeoutSeconds,
        int DrainSeconds, string ClusterDir, int RedisPort, int PgPort, string WorkDir);

    /// <summary>Watchers per topic: topic 0 gets <paramref name="hotShare"/>, the others 1/k^s of the rest (largest remainder).</summary>
    public static int[] Popularity(int watchers, int topics, double hotShare, double s)
    {
        var counts = new int[topics];
        if (topics == 1)
        {
            counts[0] = watchers;
            return counts;
        }
        counts[0] = (int)Math.Round(watchers * hotShare);
        var rest = watchers - counts[0];
        var weights = Enumerable.Range(1, topics - 1).Select(k => 1 / Math.Pow(k, s)).ToArray();
        var sum = weights.Sum();
        var exact = weights.Select(w => rest * w / sum).ToArray();
        for (var k = 0; k < exact.Length; k++)
        {
            counts[k + 1] = (int)Math.Floor(exact[k]);
        }
        var left = rest - counts.Skip(1).Sum();
        foreach (var k in Enumerable.Range(0, exact.Length).OrderByDescending(k => exact[k] - Math.Floor(exact[k])).Take(left))
        {
            counts[k + 1]++;
        }
        return counts;
    }

    private sealed record Agg(int[] Connected, int Reconnecting, int Disconnected, long Posted, long Reactions, long Removals,
        long Presence, int Victims, int VictimsResumed, DateTime? LastResume)
    {
        public long Deliveries => Posted + Reactions + Removals;
    }

    private sealed record Snap(double T, double[] Cpu, Dictionary<string, double> Redis, Dictionary<string, double> Pg, long Seqs, Agg Status, int Reads,
        double MachineBusy, double ClientCpu);

    public static async Task<RunResult> RunAsync(TargetHost host, Options o, CancellationToken ct)
    {
        var result = new RunResult();
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 16), Math.Max(minIo, 16)); // bursts of requests on busy cores
        if (host.Urls.Length < 2)
        {
            result.Failures.Add("cluster-scale needs at least two instances (--target URL URL …)");
            return result;
        }
        var run = new Run(host.Urls, o, result, ct);
        try
        {
            await run.SetUpAsync();
            await run.StartWorkersAsync();
            run.StartSampling();
            await run.ConnectAsync();
            await run.SteadyAsync();
            await run.ReactionStormAsync();
            await run.RemovalStormAsync();
            if (o.Kill)
            {
                await run.KillAsync();
            }
            await run.StopPostingAndCheckAsync();
            // Latency, merged over the workers.
            await run.ReportAsync(timeout: null);
            result.Metrics["machine.loadAverageAtEnd"] = LoadAverage();
            Targets(result, o);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // --timeout or a signal: the partial result is still saved, marked as such.
            result.Failures.Add($"stopped at {run.Elapsed.TotalSeconds:0} s (--timeout or a signal) before the run finished");
            Log("stopped");
            await run.TryReportAsync(TimeSpan.FromSeconds(20), "no report from the workers: ");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or InvalidOperationException or TimeoutException or IOException or TaskCanceledException)
        {
            // Keep what was measured so far: the result file says where and why the run stopped.
            result.Failures.Add($"aborted at {run.Elapsed.TotalSeconds:0} s: {ex.GetType().Name}: {ex.Message}");
            Log("aborted: " + ex);
            await run.TryReportAsync(null, "no report from the workers either: ");
        }
        finally
        {
            await run.DisposeAsync();
        }
        return result;
    }
}
