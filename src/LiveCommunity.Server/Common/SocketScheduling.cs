using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Kestrel's socket transport with its pipes scheduled inline (<c>Transport:InlineScheduling</c>, on by default).
/// A hub message then goes from SignalR's pipe to the socket in one work item: the WebSocket transport's flush
/// sends on its own thread, where by default it queued a second work item per message (Kestrel's I/O queue).
/// <para>
/// Why, measured (bench/findings.md, eighth round): a live blog update reaches 15,000 connections as 15,000 such
/// messages at once, each waiting its turn twice on two shared cores. Inline, the update's p99 fell from
/// 1.7–3.4 s to 0.8–2.2 s in four alternating runs. The price is paid by fan-out at saturation. Kestrel's queue
/// gathers a socket's waiting messages into one call, and inline only a batch's run does (GroupSends.MaxRun).
/// Interleaved with the bare hub (tenth round), inline kept 500 posts/s where Kestrel's default kept 550.
/// </para>
/// Kestrel calls it unsafe because application code then runs where a socket operation completed. Socket
/// completions here still come on the thread pool (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not set: inlining
/// those too made the same benchmark worse), so that is a thread-pool thread, as it is without the option.
/// </summary>
public static class SocketScheduling
{
    public const string Setting = "Transport:InlineScheduling";

    public static WebApplicationBuilder AddSocketScheduling(this WebApplicationBuilder builder)
    {
        // Kestrel's default transport is the socket one; its options are read when it starts.
        builder.Services.AddOptions<SocketTransportOptions>()
            .Configure<IConfiguration>((o, configuration) => o.UnsafePreferInlineScheduling = configuration.GetValue(Setting, defaultValue: true));
        return builder;
    }
}
