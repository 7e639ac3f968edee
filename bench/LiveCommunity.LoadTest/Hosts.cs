using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LiveCommunity.LoadTest;

/// <summary>
/// One system under test: LiveCommunity or the bare-SignalR baseline. Either started here as a child process
/// (on free loopback ports, with a temp database) or an already-running one given by URL (and pid, for
/// memory and CPU figures). Only loopback URLs are accepted.
/// </summary>
public sealed class TargetHost : IAsyncDisposable
{
    public const string LiveCommunity = "livecommunity";
    public const string Baseline = "baseline";

    private readonly string? _dll;
    private readonly Dictionary<string, string> _env;
    private readonly string _logPath;
    private Process? _process;

    private TargetHost(string name, string[] urls, int? pid, string? dll, Dictionary<string, string> env, string logPath)
    {
        Name = name;
        Urls = urls;
        _pidGiven = pid;
        _dll = dll;
        _env = env;
        _logPath = logPath;
    }

    private readonly int? _pidGiven;

    public string Name { get; }
    /// <summary>Every URL the target listens on (several ports when one would run out of ephemeral ports).</summary>
    public string[] Urls { get; }
    public string Url => Urls[0];
    public int? Pid => _process is { HasExited: false } p ? p.Id : _pidGiven;
    public bool CanRestart => _dll is not null;
    /// <summary>The database of a target started here (to fill it in bulk while it is stopped); null when attached.</summary>
    public string? DatabaseConnectionString => _env.GetValueOrDefault("ConnectionStrings__Database");

    public static TargetHost Attach(string name, string[] urls, int? pid)
    {
        foreach (var url in urls)
        {
            RequireLoopback(url);
        }
        return new TargetHost(name, urls, pid, null, [], "");
    }

    public static async Task<TargetHost> StartAsync(string name, string dll, string workDir, int ports, CancellationToken ct,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build it first (bench/run.sh does)", dll);
        }
        var dir = Path.Combine(workDir, name + "-" + DateTime.UtcNow.ToString("HHmmssfff", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        var urls = Enumerable.Range(0, Math.Max(1, ports)).Select(_ => $"http://127.0.0.1:{FreePort()}").ToArray();
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = string.Join(';', urls),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (name == Baseline)
        {
            env["ConnectionStrings__Database"] = $"Data Source={Path.Combine(dir, "baseline.db")}";
        }
        if (name == LiveCommunity)
        {
            env["Auth__SigningKey"] = "bench-signing-key-0123456789-abcdefghijklmnop";
            env["Auth__DevTokens"] = "true";
            env["ConnectionStrings__Database"] = $"Data Source={Path.Combine(dir, "bench.db")}";
            env["Limits__RepliesPerWindow"] = "1000000";
            env["Limits__ReactionsPerWindow"] = "1000000";
            env["Limits__ChangesPerWindow"] = "1000000";
            env["Limits__ReportsPerWindow"] = "1000000";
            env["Limits__ReadsPerWindow"] = "1000000";
            env["Limits__ConnectionsPerWindow"] = "1000000";
            // Every simulated reader connects from 127.0.0.1 and posts through few connections.
            env["Limits__ConnectionsPerAddress"] = "1000000";
            env["Limits__HubInvocationBurst"] = "1000000";
            env["Limits__HubInvocationsPerSecond"] = "1000000";
            env["Limits__ReplayBurst"] = "1000000";
            env["Limits__ReplaysPerSecond"] = "1000000";
            env["Limits__AddressHubInvocationBurst"] = "1000000";
            env["Limits__AddressHubInvocationsPerSecond"] = "1000000";
            env["Limits__AddressReplayBurst"] = "1000000";
            env["Limits__AddressReplaysPerSecond"] = "1000000";
            // Only rate limits are lifted (bench/lift-limits.sh says why): the duplicate window, word rules and
            // pre-moderation lookups stay at their defaults, as deployed.
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }
        var host = new TargetHost(name, urls, null, dll, env, Path.Combine(dir, "server.log"));
        await host.LaunchAsync(ct);
        return host;
    }

    /// <summary>SIGKILL, as a crash would: no graceful close frames reach the clients.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    public async Task RestartAsync(CancellationToken ct)
    {
        Kill();
        await LaunchAsync(ct);
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{_dll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_logPath)!,
        };
        foreach (var (key, value) in _env)
        {
            start.Environment[key] = value;
        }
        var log = new StreamWriter(_logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitReadyAsync(ct);
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"{Name} exited on start; see {_logPath}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Url + "/health/live"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"{Name} did not become live within 60 s; see {_logPath}");
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static void RequireLoopback(string url)
    {
        var uri = new Uri(url);
        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
        {
            throw new ArgumentException($"{url}: the load generator only drives loopback addresses");
        }
    }
}

/// <summary>Memory and CPU of a process from /proc (Linux), for servers started here or given by pid.</summary>
public static class ProcStats
{
    public static long RssKb(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return 0;
        }
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>User + system CPU time in seconds (utime and stime of /proc/pid/stat, in clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return 0;
        }
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
