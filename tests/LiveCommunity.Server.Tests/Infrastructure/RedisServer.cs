using System.Diagnostics;
using System.Globalization;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// A private redis-server on a free loopback port, no persistence. Tests stop and restart it (same port) to
/// simulate an outage. Killed on dispose and, as a backstop, when the test process exits.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(LocalProcess.FreePort());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port.</summary>
    public async Task RestartAsync()
    {
        var binary = LocalProcess.Require("redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server");
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await LocalProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(20), "redis-server");
    }

    /// <summary>Kills the server the hard way, like a crash or a network cut.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Stop();
}
