using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest;

/// <summary>
/// A child load-generator process (the <c>cluster-scale-worker</c> command of this same program), driven over its
/// stdin/stdout: see <see cref="Scenarios.ClusterScaleWorker"/>. Its stderr is copied to ours with a prefix.
/// Disposing kills it if it has not exited.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly Task _reader;
    private long _nextId;

    public WorkerProcess(string name, string planPath)
    {
        Name = name;
        var dll = Assembly.GetEntryAssembly()!.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("cluster-scale-worker");
        start.ArgumentList.Add("--plan");
        start.ArgumentList.Add(planPath);
        start.Environment["LC_SCALE_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{Name}] {e.Data}");
            }
        };
        _process.Start();
        _process.BeginErrorReadLine();
        _reader = Task.Run(ReadAsync);
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public async Task<JsonNode> CallAsync(string cmd, JsonObject? args = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var line = new JsonObject { ["id"] = id, ["cmd"] = cmd, ["args"] = args ?? [] }.ToJsonString();
        lock (_process)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        try
        {
            return await answer.Task.WaitAsync(timeout ?? TimeSpan.FromMinutes(5)) ?? new JsonObject();
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("@@", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"[{Name}] {line}");
                continue;
            }
            var answer = JsonNode.Parse(line[2..])!.AsObject();
            if (_pending.TryGetValue(answer["id"]!.GetValue<long>(), out var waiting))
            {
                if (answer["ok"]!.GetValue<bool>())
                {
                    waiting.TrySetResult(answer["data"]?.DeepClone());
                }
                else
                {
                    waiting.TrySetException(new InvalidOperationException($"{Name}: {answer["error"]}"));
                }
            }
        }
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new InvalidOperationException($"{Name} exited (code {(_process.HasExited ? _process.ExitCode : -1)})"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await CallAsync("exit", timeout: TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
            {
            }
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}
