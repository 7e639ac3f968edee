using System.Net;
using System.Net.Sockets;

namespace LiveCommunity.Server.Webhooks;

/// <summary>
/// Keeps webhooks off loopback and private networks (server-side request forgery): at registration by resolving
/// the host, and at delivery by checking the address each connection actually goes to, so a name that resolves
/// elsewhere later (DNS rebinding) is caught too.
/// </summary>
public static class NetworkGuard
{
    /// <summary>Whether an address is one a public receiver never has.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,          // carrier-grade NAT
                169 => b[1] == 254,                        // link-local, cloud metadata
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
                198 => b[1] is 18 or 19,                   // benchmarking
                >= 224 => true,                            // multicast and reserved
                _ => false,
            };
        }
        var bytes = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (bytes[0] & 0xFE) == 0xFC                   // unique local fc00::/7
            || address.IsIPv6Teredo;
    }

    /// <summary>Null when <paramref name="url"/> may be a target; otherwise why not.</summary>
    public static async Task<string?> CheckAsync(string? url, bool allowPrivate, CancellationToken ct)
    {
        if (url is null || url.Length > 2_000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must be an absolute http or https address without credentials";
        }
        if (allowPrivate)
        {
            return null;
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "its host name does not resolve";
        }
        return addresses.Length == 0 ? "its host name does not resolve"
            : addresses.Any(IsPrivate) ? "must not point to a loopback or private network address" : null;
    }

    /// <summary>A connect callback that resolves, refuses private addresses (unless allowed) and connects to the first that works.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(Func<bool> allowPrivate) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (!allowPrivate() && addresses.Any(IsPrivate))
            {
                throw new HttpRequestException($"refused: {host} resolves to a loopback or private network address");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
