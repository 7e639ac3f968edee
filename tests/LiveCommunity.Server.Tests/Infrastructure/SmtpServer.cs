using System.Diagnostics;
using System.Globalization;
using MimeKit;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on a free loopback port (Debian's python3-aiosmtpd), keeping every message it accepts in a
/// maildir the tests read. Killed on dispose and, as a backstop, when the test process exits.
/// </summary>
public sealed class SmtpServer : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lc-smtp", Guid.NewGuid().ToString("N"));
    private Process? _process;

    private SmtpServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>Starts a server on a free port, or on <paramref name="port"/> (a server that comes up late).</summary>
    public static async Task<SmtpServer> StartAsync(int? port = null)
    {
        var python = LocalProcess.Require("python3 (with python3-aiosmtpd)", "/usr/bin/python3");
        var server = new SmtpServer(port ?? LocalProcess.FreePort());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        Directory.CreateDirectory(server._folder);
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}",
                     "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(server._folder, "mail") })
        {
            info.ArgumentList.Add(arg);
        }
        server._process = Process.Start(info) ?? throw new InvalidOperationException("could not start aiosmtpd");
        server._process.OutputDataReceived += (_, _) => { };
        server._process.ErrorDataReceived += (_, _) => { };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await LocalProcess.WaitForPortAsync(server.Port, TimeSpan.FromSeconds(20), "aiosmtpd (apt-get install python3-aiosmtpd)");
        return server;
    }

    /// <summary>The messages received so far for this address, oldest first.</summary>
    public IReadOnlyList<MimeMessage> MessagesTo(string address)
    {
        var folder = Path.Combine(_folder, "mail", "new");
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Select(file => MimeMessage.Load(file))
            .Where(message => message.To.Mailboxes.Any(to => to.Address == address))];
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _process = null;
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A message being written as the server died: the temp folder is cleaned by the OS.
        }
    }
}
