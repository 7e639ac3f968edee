using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// A real SignalR connection object over in-memory pipes, for tests that hand it to a lifetime manager directly:
/// what the server writes waits in a 64 KB pipe until <see cref="StartReading"/> drains it, so a connection that
/// is never read is a reader that stopped, with no transport timeout to drop it.
/// </summary>
public sealed class PipeConnection
{
    private readonly IDuplexPipe _application;
    private int _received;

    public PipeConnection(string id, string? user = null)
    {
        var pair = DuplexPipe.CreateConnectionPair(new PipeOptions(), new PipeOptions());
        _application = pair.Application;
        var context = new DefaultConnectionContext(id, pair.Transport, pair.Application);
        Context = new HubConnectionContext(context,
            new HubConnectionContextOptions { KeepAliveInterval = TimeSpan.FromMinutes(5), ClientTimeoutInterval = TimeSpan.FromMinutes(5) },
            NullLoggerFactory.Instance)
        {
            Protocol = new JsonHubProtocol(),
            UserIdentifier = user,
        };
    }

    public HubConnectionContext Context { get; }

    public IDuplexPipe Application => _application;

    /// <summary>Messages read so far (JSON protocol: one record separator each).</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>The messages read so far, in order: each record's JSON text.</summary>
    public IReadOnlyList<string> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    private readonly List<string> _records = [];

    /// <summary>Reads, counts and keeps everything written to the connection from now on.</summary>
    public Task StartReading() => Task.Run(async () =>
    {
        var partial = new List<byte>();
        while (true)
        {
            var result = await _application.Input.ReadAsync();
            foreach (var b in result.Buffer.ToArray())
            {
                if (b != 0x1e)
                {
                    partial.Add(b);
                    continue;
                }
                lock (_records)
                {
                    _records.Add(System.Text.Encoding.UTF8.GetString([.. partial]));
                }
                partial.Clear();
                Interlocked.Increment(ref _received);
            }
            _application.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    });
}

/// <summary>Two pipes crossed: what one side writes, the other reads.</summary>
internal static class DuplexPipe
{
    public static (IDuplexPipe Transport, IDuplexPipe Application) CreateConnectionPair(PipeOptions input, PipeOptions output)
    {
        var toApplication = new Pipe(input);
        var toTransport = new Pipe(output);
        return (new Side(toApplication.Reader, toTransport.Writer), new Side(toTransport.Reader, toApplication.Writer));
    }

    private sealed record Side(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
