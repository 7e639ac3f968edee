using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>Helpers for the Redis and PostgreSQL processes the tests start themselves.</summary>
internal static class LocalProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first existing path, or a failure that says what to install (tests must never pass without it).</summary>
    public static string Require(string what, params string[] candidates) =>
        candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"{what} is needed by these tests but was not found (looked in {string.Join(", ", candidates)}); run scripts/install-deps.sh as root");

    /// <summary>Runs a command to completion; throws with its output when it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}{stdout.Result}");
        }
        return stdout.Result;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"{what} did not start listening on port {port}", ex);
            }
        }
    }
}
