using System.Diagnostics;
using System.Net.Http.Headers;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// The server as a real process of its own (the built LiveCommunity.Server.dll next to the tests), on a
/// database the test owns, so a test can kill it with SIGKILL the way a crash would and start it again on the
/// same database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly Dictionary<string, string> _settings;
    private readonly string _log;
    private Process? _process;

    public ServerProcess(TestDatabase database, string folder, IDictionary<string, string>? settings = null)
    {
        _database = database;
        Directory.CreateDirectory(folder);
        Port = LocalProcess.FreePort();
        _log = Path.Combine(folder, "server.log");
        _settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url,
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Auth__SigningKey"] = AppFactory.SigningKey,
            ["Auth__DevTokens"] = "true",
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__Database"] = database.ConnectionString,
            ["Seed__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Limits__RepliesPerWindow"] = "100000",
            ["Limits__ReactionsPerWindow"] = "100000",
            ["Limits__ChangesPerWindow"] = "100000",
            ["Limits__ReportsPerWindow"] = "100000",
            ["Limits__ReadsPerWindow"] = "100000",
            ["Limits__ConnectionsPerWindow"] = "100000",
            ["Limits__DuplicateReplyWindow"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[key] = value;
        }
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public TestDatabase Database => _database;

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "LiveCommunity.Server.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in _settings)
        {
            info.Environment[key] = value;
        }
        var log = new StreamWriter(_log, append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                break;
            }
            try
            {
                if ((await http.GetAsync($"{Url}/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (System.Net.Sockets.SocketException)
            {
                // A connect that races the listener's start can surface unwrapped: not ready yet, as above.
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the server did not become ready at {Url}; its log:\n{ReadLog()}");
    }

    /// <summary>SIGKILL: no shutdown, no flush, no close frames, as a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public HttpClient Http(UserIdentity? user = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }
        return http;
    }

    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
