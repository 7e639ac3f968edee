using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Tests.Common;

/// <summary>Kestrel's socket pipes run inline unless Transport:InlineScheduling says otherwise.</summary>
public sealed class SocketSchedulingTests
{
    [Fact]
    public void KestrelsSocketPipesRunInlineByDefault()
    {
        using var factory = new AppFactory();

        Assert.True(factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public void TheSettingGivesKestrelsDefaultBack()
    {
        using var factory = new KestrelDefaults();

        Assert.False(factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    private sealed class KestrelDefaults : AppFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Transport:InlineScheduling", "false")];
    }
}
