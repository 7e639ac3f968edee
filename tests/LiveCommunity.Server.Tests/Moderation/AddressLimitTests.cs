using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Moderation;

public sealed class AddressCapApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Limits:ConnectionsPerAddress", "2")];
}

public sealed class AddressLimitTests(AddressCapApp app) : IClassFixture<AddressCapApp>
{
    [Theory]
    [InlineData("203.0.113.7", "ip:203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "ip:203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "ip:2001:db8:1:3::/64")]
    public void PerAddressLimitsKeyIPv6ByItsSlash64(string address, string key) =>
        Assert.Equal(key, AddressConnections.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public async Task OpenHubConnectionsPerAddressAreCappedAndReleasedOnDisconnect()
    {
        var counter = app.Services.GetRequiredService<AddressConnections>();
        var first = await app.Anonymous().ConnectAsync(HttpTransportType.LongPolling);
        await using var second = await app.Anonymous().ConnectAsync();

        // The hub counts a connection once its OnConnectedAsync ran, a moment after the client's handshake.
        await WaitUntilAsync(() => counter.IsFull(AddressConnections.KeyOf(null)));
        // A third, whatever the transport, is 429 at connect with Retry-After.
        using var http = app.CreateClient();
        var negotiate = await http.PostAsync("/hubs/discussion/negotiate?negotiateVersion=1", null);
        await negotiate.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(negotiate.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var websocket = await Assert.ThrowsAnyAsync<Exception>(() => app.Anonymous().ConnectAsync());
        Assert.Contains("429", websocket.ToString());

        // Reads are not connections: still fine.
        (await http.GetAsync("/api/topics")).EnsureSuccessStatusCode();

        // One leaves: there is room again.
        await first.DisposeAsync();
        await WaitUntilAsync(() => !counter.IsFull(AddressConnections.KeyOf(null)));
        await using var third = await app.Anonymous().ConnectAsync();
        await third.DisposeAsync();
        await second.DisposeAsync();
        await WaitUntilAsync(() => counter.Addresses == 0); // the table holds only addresses with connections
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        await Eventually.TrueAsync(condition);
        Assert.True(condition());
    }
}
