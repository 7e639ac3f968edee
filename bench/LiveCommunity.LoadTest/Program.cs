using System.CommandLine;
using System.Globalization;
using LiveCommunity.LoadTest;
using LiveCommunity.LoadTest.Scenarios;

// The load generator of docs/benchmarks.md. Each scenario runs alone, against targets it starts itself
// (the Release builds of the server and of the baseline, on free loopback ports) or against running ones
// given by --target / --baseline. Loopback only; every loop bounded in count and time.
var root = new RootCommand("LiveCommunity load generator: scenarios against the server and a bare SignalR baseline");
var repo = RepoRoot();

var target = new Option<string[]>("--target") { Description = "running LiveCommunity URL(s) (loopback); none: start the Release build", AllowMultipleArgumentsPerToken = true };
var baseline = new Option<string[]>("--baseline") { Description = "running baseline URL(s); none: start bench/LiveCommunity.Baseline", AllowMultipleArgumentsPerToken = true };
var serverPid = new Option<int?>("--server-pid") { Description = "pid of a running --target, for memory and CPU figures" };
var baselinePid = new Option<int?>("--baseline-pid") { Description = "pid of a running --baseline" };
var noBaseline = new Option<bool>("--no-baseline") { Description = "measure LiveCommunity only" };
var serverDll = new Option<string>("--server-dll") { DefaultValueFactory = _ => Path.Combine(repo, "src/LiveCommunity.Server/bin/Release/net10.0/LiveCommunity.Server.dll") };
var baselineDll = new Option<string>("--baseline-dll") { DefaultValueFactory = _ => Path.Combine(repo, "bench/LiveCommunity.Baseline/bin/Release/net10.0/LiveCommunity.Baseline.dll") };
var workDir = new Option<string>("--work-dir") { Description = "temp dir for databases and server logs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "livecommunity-bench") };
var outPath = new Option<string>("--out") { Description = "result JSON", DefaultValueFactory = _ => Path.Combine(repo, "bench/results/result.json") };
var duration = new Option<int>("--duration") { Description = "seconds of load", DefaultValueFactory = _ => 10 };
var timeout = new Option<int>("--timeout") { Description = "hard limit for the whole scenario, seconds", DefaultValueFactory = _ => 600 };
Option[] commonOptions = [target, baseline, serverPid, baselinePid, noBaseline, serverDll, baselineDll, workDir, outPath, duration, timeout];

Common CommonOf(ParseResult p) => new(
    p.GetValue(target) ?? [], p.GetValue(baseline) ?? [], p.GetValue(serverPid), p.GetValue(baselinePid), p.GetValue(noBaseline),
    p.GetValue(serverDll)!, p.GetValue(baselineDll)!, p.GetValue(workDir)!, p.GetValue(outPath)!, p.GetValue(duration), p.GetValue(timeout));

Option<int> Int(string name, int value, string description) => new(name) { Description = description, DefaultValueFactory = _ => value };
Option<double> Dbl(string name, double value, string description) => new(name) { Description = description, DefaultValueFactory = _ => value };
static string S(object? v) => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "";

Command Scenario(string name, string description, Option[] options, Func<ParseResult, Common, CancellationToken, Task<int>> action)
{
    var command = new Command(name, description);
    foreach (var option in options.Concat(commonOptions))
    {
        command.Options.Add(option);
    }
    command.SetAction((p, ct) => action(p, CommonOf(p), ct));
    root.Subcommands.Add(command);
    return command;
}

// fanout / smoke / cluster-latency
var watchers = Int("--watchers", 500, "watching connections");
var topics = Int("--topics", 10, "topics, watchers spread evenly");
var rate = Dbl("--rate", 100, "replies posted per second, all topics together");
var writers = Int("--writers", 8, "writer users");
var bodyChars = Int("--body-chars", 200, "reply body length");
var drain = Int("--drain", 15, "seconds to wait for the last deliveries");
Fanout.Options FanoutOf(ParseResult p, Common c) =>
    new(p.GetValue(watchers), p.GetValue(topics), p.GetValue(rate), c.Duration, p.GetValue(writers), p.GetValue(bodyChars), p.GetValue(drain));
Dictionary<string, string> FanoutParams(Fanout.Options o) => new()
{
    ["watchers"] = S(o.Watchers), ["topics"] = S(o.Topics), ["rate"] = S(o.Rate), ["writers"] = S(o.Writers), ["bodyChars"] = S(o.BodyChars),
};

Scenario("fanout", "W watchers on T topics, writers at a set rate: deliveries/s, latency, loss",
    [watchers, topics, rate, writers, bodyChars, drain],
    (p, c, ct) =>
    {
        var o = FanoutOf(p, c);
        return Runner.RunAsync("fanout", c, FanoutParams(o), 1, (host, t) => Fanout.RunAsync(host, host.Urls, o, t), ct);
    });

Scenario("smoke", "CI: a few hundred watchers for a few seconds; exit 1 unless every reply reached every watcher",
    [watchers, topics, rate, writers, bodyChars, drain],
    (p, c, ct) =>
    {
        var o = FanoutOf(p, c);
        return Runner.RunAsync("smoke", c with { NoBaseline = true }, FanoutParams(o), 1, (host, t) => Fanout.RunAsync(host, host.Urls, o, t), ct);
    });

var target2 = new Option<string[]>("--target2") { Description = "second instance of the same cluster (watchers connect here)", AllowMultipleArgumentsPerToken = true };
Scenario("cluster-latency", "writers on --target, watchers on --target2 (instances sharing Redis and the database)",
    [watchers, topics, rate, writers, bodyChars, drain, target2],
    async (p, c, ct) =>
    {
        var o = FanoutOf(p, c);
        var second = p.GetValue(target2) ?? [];
        if (c.Targets.Length == 0 || second.Length == 0)
        {
            var result = new ScenarioResult { Scenario = "cluster-latency", Parameters = FanoutParams(o) };
            result.Notes.Add("no cluster available: pass --target (writers) and --target2 (watchers), two instances sharing Redis and the database");
            result.Complete();
            result.Passed = true;
            await result.SaveAsync(c.Out);
            Live.Say(result.Notes[0]);
            return 0;
        }
        foreach (var url in second)
        {
            TargetHost.RequireLoopback(url);
        }
        return await Runner.RunAsync("cluster-latency", c with { NoBaseline = true }, FanoutParams(o), 1, (host, t) => Fanout.RunAsync(host, second, o, t), ct);
    });

// connections
var connections = Int("--connections", 5000, "idle watching connections to open and hold");
var hold = Int("--hold", 10, "seconds to hold them");
var ports = Int("--ports", 4, "server ports to spread connections over (ephemeral ports run out near 28k per server port)");
Scenario("connections", "N idle websocket connections watching topics: held, errors, server memory per connection",
    [connections, topics, hold, ports],
    (p, c, ct) =>
    {
        var o = new Connections.Options(p.GetValue(connections), p.GetValue(topics), p.GetValue(hold));
        return Runner.RunAsync("connections", c, new() { ["connections"] = S(o.Connections), ["topics"] = S(o.Topics), ["hold"] = S(o.Hold), ["ports"] = S(p.GetValue(ports)) },
            p.GetValue(ports), (host, t) => Connections.RunAsync(host, o, t), ct);
    });

// reaction-storm
var users = Int("--users", 1000, "distinct users reacting");
var reactRate = Dbl("--rate", 2000, "reactions per second");
var reactWatchers = Int("--watchers", 50, "watchers of the topic");
Scenario("reaction-storm", "thousands of reactions per second on one reply: events, exact final counts, server CPU",
    [users, reactRate, reactWatchers],
    (p, c, ct) =>
    {
        var o = new ReactionStorm.Options(p.GetValue(users), p.GetValue(reactRate), p.GetValue(reactWatchers), c.Duration);
        return Runner.RunAsync("reaction-storm", c, new() { ["users"] = S(o.Users), ["rate"] = S(o.Rate), ["watchers"] = S(o.Watchers), ["warmup"] = S(o.WarmupSeconds) }, 1,
            (host, t) => ReactionStorm.RunAsync(host, o, t), ct);
    });

// fanout-saturation / reaction-saturation: the same scenarios at rising rates until each target falls behind
var rates = new Option<string>("--rates") { Description = "offered rates, one level after another until the target falls behind (comma-separated)" };
double[] RatesOf(ParseResult p, string fallback) =>
    (p.GetValue(rates) ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToArray();
Scenario("fanout-saturation", "fan-out at rising post rates until deliveries fall behind: the highest sustained deliveries/s and CPU per delivery of each target",
    [watchers, topics, writers, bodyChars, drain, rates],
    (p, c, ct) =>
    {
        var o = FanoutOf(p, c);
        var levels = RatesOf(p, "50,100,150,200,300,400");
        var parameters = FanoutParams(o);
        parameters.Remove("rate");
        parameters["rates"] = string.Join(' ', levels.Select(r => S(r)));
        return Runner.RunInterleavedAsync("fanout-saturation", c, parameters, 1, async (hosts, t) =>
        {
            var ramps = hosts.Select(h => Saturation.FanoutRamp(h, o, levels.Min(), t)).ToList();
            await Saturation.InterleavedAsync(ramps, levels);
            return ramps.ConvertAll(r => r.Result);
        }, ct);
    });
Scenario("reaction-saturation", "reactions at rising rates until the target falls behind: the highest sustained reactions/s and CPU per reaction of each target",
    [users, reactWatchers, rates],
    (p, c, ct) =>
    {
        var o = new ReactionStorm.Options(p.GetValue(users), 0, p.GetValue(reactWatchers), c.Duration);
        var levels = RatesOf(p, "500,1000,2000,3000,4000,6000");
        // One target after the other, not interleaved: its figure is a fixed rate's CPU per reaction, which a
        // process idle for the other target's level between its own paid for (bench/findings.md, tenth round).
        return Runner.RunAsync("reaction-saturation", c, new() { ["users"] = S(o.Users), ["watchers"] = S(o.Watchers), ["warmup"] = S(o.WarmupSeconds), ["rates"] = string.Join(' ', levels.Select(r => S(r))) }, 1,
            async (host, t) =>
            {
                var ramp = Saturation.ReactionRamp(host, o, t);
                await Saturation.InterleavedAsync([ramp], levels);
                return ramp.Result;
            }, ct);
    });

// hot-topic
var hotMode = new Option<string>("--mode") { Description = "replies, answers (replies to another writer's reply: a notification each) or reactions", DefaultValueFactory = _ => "replies" };
var hotTransport = new Option<string>("--transport") { Description = "rest or hub", DefaultValueFactory = _ => "rest" };
var hotInFlight = new Option<string>("--in-flight") { Description = "writers in flight, one level after another", DefaultValueFactory = _ => "1,10,100,200" };
var hotTargets = Int("--targets", 5, "replies the reactions go to (reactions mode)");
var hotWatchers = Int("--watchers", 5, "watchers of the topic, checking seqs and counts");
var hotTotal = Int("--total", 0, "writes per level at most (0: as many as --duration allows)");
Scenario("hot-topic", "writes on ONE topic by N writers in flight (closed loop): writes/s, latency, errors by status, server CPU per write",
    [hotMode, hotTransport, hotInFlight, hotTargets, hotWatchers, hotTotal],
    (p, c, ct) =>
    {
        var mode = p.GetValue(hotMode)!;
        var transport = p.GetValue(hotTransport)!;
        if (mode is not ("replies" or "answers" or "reactions") || transport is not ("rest" or "hub"))
        {
            Live.Say("--mode is replies, answers or reactions; --transport is rest or hub");
            return Task.FromResult(2);
        }
        var levels = p.GetValue(hotInFlight)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var o = new HotTopic.Options(mode, transport, levels, c.Duration, p.GetValue(hotTargets), p.GetValue(hotWatchers), p.GetValue(hotTotal));
        var parameters = new Dictionary<string, string> { ["mode"] = mode, ["transport"] = transport, ["inFlight"] = string.Join(' ', levels), ["targets"] = S(o.Targets), ["total"] = S(o.Total) };
        if (c.Targets.Length > 1)
        {
            parameters["instances"] = S(c.Targets.Length); // writers spread over the instances of one cluster
        }
        return Runner.RunAsync("hot-topic", c, parameters, 1, (host, t) => HotTopic.RunAsync(host, o, t), ct);
    });

// read-herd
var herdInFlight = Int("--in-flight", 64, "readers in flight for the first-page ceiling (closed loop)");
var herdReaders = Int("--readers", 20000, "readers opening the story");
var herdWindow = Int("--window", 30, "seconds over which they arrive");
var herdRate = Dbl("--reply-rate", 50, "replies per second posted meanwhile");
var herdSignedIn = Dbl("--signed-in", 0.3, "share of readers signed in (0..1)");
var herdWarmup = Int("--warmup", 3, "seconds of unmeasured first-page reads before each measured phase");
Scenario("read-herd", "a crowd opens one hot story: first-page ceiling (anonymous, signed in), then N readers within a window; cache on vs off",
    [herdInFlight, herdReaders, herdWindow, herdRate, herdSignedIn, herdWarmup],
    (p, c, ct) =>
    {
        var o = new ReadHerd.Options(p.GetValue(herdInFlight), c.Duration, p.GetValue(herdReaders), p.GetValue(herdWindow), p.GetValue(herdRate), p.GetValue(herdSignedIn), p.GetValue(herdWarmup));
        var parameters = new Dictionary<string, string> { ["inFlight"] = S(o.InFlight), ["readers"] = S(o.Readers), ["window"] = S(o.Window), ["replyRate"] = S(o.ReplyRate), ["signedIn"] = S(o.SignedInShare), ["warmup"] = S(o.WarmupSeconds) };
        // The baseline is LiveCommunity itself with the read cache switched off.
        return Runner.RunAgainstSettingsAsync("read-herd", c, parameters, new Dictionary<string, string> { ["ReadCache__Enabled"] = "false" },
            (host, t) => ReadHerd.RunAsync(host, o, t), ct);
    });

// reconnect-storm
var stormWatchers = Int("--watchers", 500, "watchers");
var stormTopics = Int("--topics", 5, "topics");
var stormRate = Dbl("--rate", 20, "replies per second, before, during and after the restart");
Scenario("reconnect-storm", "kill -9 and restart the server while N clients watch: time until all resumed, nothing missed",
    [stormWatchers, stormTopics, stormRate],
    (p, c, ct) =>
    {
        var o = new ReconnectStorm.Options(p.GetValue(stormWatchers), p.GetValue(stormTopics), p.GetValue(stormRate), c.Duration);
        return Runner.RunAsync("reconnect-storm", c, new() { ["watchers"] = S(o.Watchers), ["topics"] = S(o.Topics), ["rate"] = S(o.Rate) }, 1,
            (host, t) => ReconnectStorm.RunAsync(host, o, t), ct);
    });

// slow-consumer
var slowWatchers = Int("--watchers", 200, "healthy watchers of the topic");
var slowRate = Dbl("--rate", 50, "replies per second");
var slowBody = Int("--body-chars", 2000, "reply body length (larger fills the stalled client's buffers sooner)");
var stall = Int("--stall", 45, "seconds the stalled client stops reading (the hub's client timeout is 30 s)");
var slowWriter = new Option<string?>("--writer") { Description = "another instance of the same cluster to post through (--target's watchers then get every reply through the backplane)" };
Scenario("slow-consumer", "one client stops reading: the others' p99 with and without it; is it cut off, does it resume",
    [slowWatchers, slowRate, slowBody, stall, slowWriter],
    (p, c, ct) =>
    {
        var writerUrl = p.GetValue(slowWriter);
        var o = new SlowConsumer.Options(p.GetValue(slowWatchers), p.GetValue(slowRate), p.GetValue(slowBody), c.Duration, p.GetValue(stall), writerUrl);
        var parameters = new Dictionary<string, string> { ["watchers"] = S(o.Watchers), ["rate"] = S(o.Rate), ["bodyChars"] = S(o.BodyChars), ["stall"] = S(o.Stall) };
        if (writerUrl is null)
        {
            return Runner.RunAsync("slow-consumer", c, parameters, 1, (host, t) => SlowConsumer.RunAsync(host, o, t), ct);
        }
        if (c.Targets.Length == 0)
        {
            Live.Say("--writer needs --target: the watchers' instance");
            return Task.FromResult(2);
        }
        TargetHost.RequireLoopback(writerUrl);
        parameters["instances"] = "2";
        return Runner.RunAsync("slow-consumer", c with { NoBaseline = true }, parameters, 1, (host, t) => SlowConsumer.RunAsync(host, o, t), ct);
    });

// moderation
var modWatchers = Int("--watchers", 500, "watchers, spread evenly over the topics");
var modTopics = Int("--topics", 1, "topics");
var modReplies = Int("--replies", 50, "replies posted, then removed");
var modRate = Dbl("--rate", 10, "removals per second");
var modDrain = Int("--drain", 15, "seconds to wait for the last deliveries");
var modWarmup = Int("--warmup", 1, "replies per topic posted and removed unmeasured first (0: measure the cold path too)");
var modTarget2 = new Option<string[]>("--target2") { Description = "second instance of the same cluster (watchers connect here; the moderator uses --target)", AllowMultipleArgumentsPerToken = true };
Scenario("moderation", "a removal reaches every watcher: W watchers, N replies removed by a moderator at a set rate: latency, watchers reached",
    [modWatchers, modTopics, modReplies, modRate, modDrain, modWarmup, modTarget2],
    (p, c, ct) =>
    {
        var o = new Moderation.Options(p.GetValue(modWatchers), p.GetValue(modTopics), p.GetValue(modReplies), p.GetValue(modRate), p.GetValue(modDrain), p.GetValue(modWarmup));
        var parameters = new Dictionary<string, string> { ["watchers"] = S(o.Watchers), ["topics"] = S(o.Topics), ["replies"] = S(o.Replies), ["rate"] = S(o.Rate), ["warmup"] = S(o.Warmup) };
        var second = p.GetValue(modTarget2) ?? [];
        if (second.Length == 0)
        {
            return Runner.RunAsync("moderation", c, parameters, 1, (host, t) => Moderation.RunAsync(host, host.Urls, o, t), ct);
        }
        if (c.Targets.Length == 0)
        {
            Live.Say("--target2 needs --target: the moderator's instance");
            return Task.FromResult(2);
        }
        foreach (var url in second)
        {
            TargetHost.RequireLoopback(url);
        }
        parameters["instances"] = "2";
        return Runner.RunAsync("moderation", c with { NoBaseline = true }, parameters, 1, (host, t) => Moderation.RunAsync(host, second, o, t), ct);
    });

// soak
var soakTopics = Int("--topics", 300, "topics (a hot few, a long tail)");
var soakClients = Int("--clients", 100, "hub clients, each coming and going (watch 2–8 s, leave, again)");
var soakReplies = Dbl("--reply-rate", 20, "replies per second");
var soakReactions = Dbl("--reaction-rate", 50, "reactions per second");
var soakReads = Dbl("--read-rate", 100, "page reads per second (LiveCommunity only)");
var soakSignedIn = Dbl("--signed-in", 0.2, "share of reads signed in (0..1)");
var soakSample = Int("--sample", 5, "seconds between samples of RSS, handles and GC heap");
var soakSeed = Int("--seed-replies", 20, "replies per topic before the clock starts");
Scenario("soak", "ordinary traffic for --duration seconds: RSS, GC heap after the last collection and open handles over time",
    [soakTopics, soakClients, soakReplies, soakReactions, soakReads, soakSignedIn, soakSample, soakSeed],
    (p, c, ct) =>
    {
        var o = new Soak.Options(p.GetValue(soakTopics), p.GetValue(soakClients), p.GetValue(soakReplies), p.GetValue(soakReactions), p.GetValue(soakReads),
            p.GetValue(soakSignedIn), c.Duration, p.GetValue(soakSample), p.GetValue(soakSeed));
        // The GC heap comes from the runtime metrics on /metrics (off by default in Production); instances inherit this.
        Environment.SetEnvironmentVariable("Metrics__Enabled", "true");
        return Runner.RunAsync("soak", c, new() { ["topics"] = S(o.Topics), ["clients"] = S(o.Clients), ["replyRate"] = S(o.ReplyRate), ["reactionRate"] = S(o.ReactionRate),
            ["readRate"] = S(o.ReadRate), ["signedIn"] = S(o.SignedInShare), ["readCacheMaxBytes"] = Environment.GetEnvironmentVariable("ReadCache__MaxBytes") ?? "default (64 MiB)" }, 1,
            (host, t) => Soak.RunAsync(host, o, t), ct);
    });

// cursors
var curTopics = Int("--topics", 100, "topics, each with a long body");
var curBody = Int("--body-chars", 19_000, "characters of each topic's body");
var curRequests = Int("--requests", 400, "reads of the same issued cursor, then as many made-up cursors");
var curInFlight = Int("--in-flight", 8, "reads in flight");
Scenario("cursors", "anonymous reads with made-up paging cursors of large pages: the server's memory growth (issue 18)",
    [curTopics, curBody, curRequests, curInFlight],
    (p, c, ct) =>
    {
        var o = new Cursors.Options(p.GetValue(curTopics), p.GetValue(curBody), p.GetValue(curRequests), p.GetValue(curInFlight));
        return Runner.RunAsync("cursors", c with { NoBaseline = true }, new() { ["topics"] = S(o.Topics), ["bodyChars"] = S(o.BodyChars),
            ["requests"] = S(o.Requests), ["inFlight"] = S(o.InFlight) }, 1, (host, t) => Cursors.RunAsync(host, o, t), ct);
    });

// cluster-scale: several load-generator processes against a running cluster (bench/cluster-scale.sh)
var csWatchers = Int("--watchers", 50_000, "watchers in all, spread evenly over the instances");
var csTopics = Int("--topics", 100, "topics");
var csHot = Dbl("--hot-share", 0.2, "share of the watchers on the hot topic");
var csZipf = Dbl("--zipf", 1.0, "Zipf exponent of the other topics' popularity");
var csProcesses = Int("--processes", 0, "watcher processes (0: one per 12,500 watchers, under the open-file limit of 20,000)");
var csParallel = Int("--open-parallel", 32, "connections each process opens at once");
var csRate = Dbl("--rate", 15, "replies per second over all topics, from the steady phase to the end");
var csWriters = Int("--writers", 200, "writer users (each user's writes serialize on the user's row: few users at a high rate contend)");
var csBody = Int("--body-chars", 200, "reply body length");
var csSteady = Int("--steady", 30, "seconds of posting only");
var csReactors = Int("--reactors", 100, "users in the reaction storm");
var csReactionRate = Dbl("--reaction-rate", 30, "reactions per second on one reply of the hot topic");
var csReactionSeconds = Int("--reaction-seconds", 5, "seconds of the reaction storm");
var csRemovals = Int("--removals", 20, "replies of the hot topic a moderator removes");
var csRemovalRate = Dbl("--removal-rate", 20, "removals per second");
var csNoKill = new Option<bool>("--no-kill") { Description = "skip killing an instance" };
var csKillInstance = Int("--kill-instance", -1, "index of the instance to kill (-1: the last)");
var csMaxPer = Int("--max-per-instance", 18_000, "most watchers an instance may hold after the kill (open-file limit 20,000 per process)");
var csAfterKill = Int("--after-kill", 20, "seconds of posting after the kill");
var csResumeTimeout = Int("--resume-timeout", 90, "seconds to wait for the killed instance's watchers to resume");
var csDrain = Int("--drain", 30, "seconds to wait for the last deliveries before the final check");
var csClusterDir = new Option<string>("--cluster-dir") { Description = "scripts/cluster.sh's directory (pid files app-PORT.pid)", DefaultValueFactory = _ => Path.Combine(repo, ".cluster") };
var csRedisPort = Int("--redis-port", 16379, "the cluster's Redis (for INFO)");
var csPgPort = Int("--pg-port", 15432, "the cluster's PostgreSQL (for pg_stat_database, as user postgres)");
Scenario("cluster-scale", "N instances, tens of thousands of watchers from several processes, skewed topics, storms, one instance killed",
    [csWatchers, csTopics, csHot, csZipf, csProcesses, csParallel, csRate, csWriters, csBody, csSteady, csReactors, csReactionRate, csReactionSeconds,
     csRemovals, csRemovalRate, csNoKill, csKillInstance, csMaxPer, csAfterKill, csResumeTimeout, csDrain, csClusterDir, csRedisPort, csPgPort],
    (p, c, ct) =>
    {
        if (c.Targets.Length < 2)
        {
            Live.Say("cluster-scale needs the cluster's instances: --target URL URL … (bench/cluster-scale.sh starts one)");
            return Task.FromResult(2);
        }
        var o = new ClusterScale.Options(p.GetValue(csWatchers), p.GetValue(csTopics), p.GetValue(csHot), p.GetValue(csZipf), p.GetValue(csProcesses),
            p.GetValue(csParallel), p.GetValue(csRate), p.GetValue(csWriters), p.GetValue(csBody), p.GetValue(csSteady), p.GetValue(csReactors),
            p.GetValue(csReactionRate), p.GetValue(csReactionSeconds), p.GetValue(csRemovals), p.GetValue(csRemovalRate), !p.GetValue(csNoKill),
            p.GetValue(csKillInstance), p.GetValue(csMaxPer), p.GetValue(csAfterKill), p.GetValue(csResumeTimeout), p.GetValue(csDrain),
            p.GetValue(csClusterDir)!, p.GetValue(csRedisPort), p.GetValue(csPgPort), c.WorkDir);
        var parameters = new Dictionary<string, string>
        {
            ["instances"] = S(c.Targets.Length), ["watchers"] = S(o.Watchers), ["topics"] = S(o.Topics), ["hotShare"] = S(o.HotShare), ["zipf"] = S(o.Zipf),
            ["rate"] = S(o.Rate), ["steady"] = S(o.SteadySeconds), ["reactionRate"] = S(o.ReactionRate), ["reactionSeconds"] = S(o.ReactionSeconds),
            ["removals"] = S(o.Removals), ["removalRate"] = S(o.RemovalRate), ["kill"] = S(o.Kill), ["maxPerInstance"] = S(o.MaxPerInstance),
            ["afterKill"] = S(o.AfterKillSeconds),
            // The instances' throttles, when the script that started them set them (bench/cluster-scale.sh does).
            ["presenceThrottle"] = Environment.GetEnvironmentVariable("Presence__Throttle") ?? "default (1 s)",
            ["reactionCoalesceWindow"] = Environment.GetEnvironmentVariable("Reactions__CoalesceWindow") ?? "default (250 ms)",
        };
        return Runner.RunAsync("cluster-scale", c with { NoBaseline = true }, parameters, 1, (host, t) => ClusterScale.RunAsync(host, o, t), ct);
    });

var workerPlan = new Option<string>("--plan") { Required = true };
var worker = new Command("cluster-scale-worker", "internal: one watcher process of cluster-scale, driven over stdin/stdout") { workerPlan };
worker.Hidden = true;
worker.SetAction((p, ct) => ClusterScaleWorker.RunAsync(p.GetValue(workerPlan)!));
root.Subcommands.Add(worker);

// growth
var growthSizes = new Option<string>("--sizes") { Description = "replies on the topic at each measurement (filled in bulk)", DefaultValueFactory = _ => "0,10000,50000,200000" };
var growthInFlight = Int("--in-flight", 100, "writers in flight");
var growthUsers = Int("--known-users", 100_000, "known users filled in bulk");
var growthHistory = Int("--history", 1_000_000, "events of other topics filled in bulk");
var growthReads = Int("--reads", 100, "first pages and Watch replays timed at each size");
Scenario("growth", "one topic at growing sizes (bulk-filled SQLite): replies/s, reactions/s, first page and replay latency, CPU per write",
    [growthSizes, growthInFlight, growthUsers, growthHistory, growthReads],
    (p, c, ct) =>
    {
        var sizes = p.GetValue(growthSizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var o = new Growth.Options(sizes, p.GetValue(growthInFlight), c.Duration, p.GetValue(growthUsers), p.GetValue(growthHistory), p.GetValue(growthReads));
        return Runner.RunAsync("growth", c with { NoBaseline = true },
            new() { ["sizes"] = string.Join(' ', sizes), ["inFlight"] = S(o.InFlight), ["knownUsers"] = S(o.KnownUsers), ["history"] = S(o.HistoryEvents) },
            1, (host, t) => Growth.RunAsync(host, o, t), ct);
    });
// counts
var countsClients = Int("--clients", 100, "clients in flight, each asking again as soon as it is answered");
var countsArticles = Int("--articles", 300, "articles created first (each request asks for 100 of them)");
var countsWarmup = Int("--warmup", 2, "seconds of unmeasured requests before each measured phase");
Scenario("counts", "GET /api/articles/counts with 100 ids from many clients: one shared front page vs distinct lists; requests/s, p50/p99, server CPU per request",
    [countsClients, countsArticles, countsWarmup],
    (p, c, ct) =>
    {
        var o = new Counts.Options(p.GetValue(countsClients), c.Duration, p.GetValue(countsArticles), p.GetValue(countsWarmup));
        return Runner.RunAsync("counts", c with { NoBaseline = true },
            new() { ["clients"] = S(o.Clients), ["articles"] = S(o.Articles), ["warmup"] = S(o.WarmupSeconds) },
            1, (host, t) => Counts.RunAsync(host, o, t), ct);
    });
// live-blog (issue 23)
var blogReaders = Int("--readers", 15_000, "readers watching the story (one hub connection each; the open-file limit here is 20,000 per process)");
var blogEvery = Dbl("--update-every", 10, "seconds between the journalist's updates");
var blogReplyRate = Dbl("--reply-rate", 200, "replies per second posted by readers meanwhile");
var blogOffline = Int("--offline", 60, "seconds the offline sample stays away mid-run (0: no offline sample)");
var blogOfflineReaders = Int("--offline-readers", 50, "readers of the offline sample (part of --readers)");
var blogWriters = Int("--writers", 50, "users posting the replies");
var blogBody = Int("--body-chars", 200, "reply body length");
var blogConnectRate = Dbl("--connect-rate", 500, "reader connections opened per second (64 at most in flight)");
var blogDrain = Int("--drain", 20, "seconds to wait for the last deliveries");
var blogPorts = Int("--ports", 1, "server ports the readers spread over");
var blogDiscussion = Int("--discussion", 100, "readers who also read the discussion (Watch: every reply), besides the offline sample (who do too); the rest watch the updates only (WatchUpdates), as <live-blog> does");
Scenario("live-blog", "R readers watch one story; an update every U s and replies at a rate: update p99 and reach, reply deliveries, an offline sample that resumes",
    [blogReaders, blogEvery, blogReplyRate, blogOffline, blogOfflineReaders, blogWriters, blogBody, blogConnectRate, blogDrain, blogPorts, blogDiscussion],
    (p, c, ct) =>
    {
        var o = new LiveBlog.Options(p.GetValue(blogReaders), p.GetValue(blogEvery), p.GetValue(blogReplyRate), c.Duration, p.GetValue(blogOffline),
            p.GetValue(blogOfflineReaders), p.GetValue(blogWriters), p.GetValue(blogBody), p.GetValue(blogConnectRate), p.GetValue(blogDrain),
            p.GetValue(blogDiscussion));
        if (o.Offline > 0 && o.Duration < o.Offline + 2 * o.UpdateEvery)
        {
            Live.Say("--duration must cover --offline plus two updates (--update-every), so updates are missed and seen again");
            return Task.FromResult(2);
        }
        var parameters = new Dictionary<string, string>
        {
            ["readers"] = S(o.Readers), ["updateEvery"] = S(o.UpdateEvery), ["replyRate"] = S(o.ReplyRate), ["offline"] = S(o.Offline),
            ["offlineReaders"] = S(o.OfflineReaders), ["writers"] = S(o.Writers), ["bodyChars"] = S(o.BodyChars), ["connectRate"] = S(o.ConnectRate),
            ["discussion"] = S(o.Discussion),
        };
        return Runner.RunAsync("live-blog", c, parameters, p.GetValue(blogPorts), (host, t) => LiveBlog.RunAsync(host, o, t), ct);
    });
root.Subcommands.Add(Rolling.Command()); // rolling restarts of a running cluster (scripts/cluster-smoke.sh)

// report
var resultsDir = new Option<string>("--results") { DefaultValueFactory = _ => Path.Combine(repo, "bench/results") };
var docPath = new Option<string>("--doc") { DefaultValueFactory = _ => Path.Combine(repo, "docs/benchmarks.md") };
var shared = new Option<string>("--note") { Description = "a line about the run conditions for the doc" };
var section = new Option<string>("--section") { Description = "only this section of the existing doc: cluster-scale or soak" };
var report = new Command("report", "regenerate docs/benchmarks.md and its plots from the result JSON files") { resultsDir, docPath, shared, section };
report.SetAction(p => Report.Write(p.GetValue(resultsDir)!, p.GetValue(docPath)!, p.GetValue(shared), p.GetValue(section)));
root.Subcommands.Add(report);

return await root.Parse(args).InvokeAsync();

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "LiveCommunity.sln")))
        {
            return dir.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
