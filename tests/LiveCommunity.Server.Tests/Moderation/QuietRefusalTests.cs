using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Moderation;

/// <summary>Small reply and read limits, the production log levels, and every log entry captured.</summary>
public sealed class QuietRefusalApp : AppFactory
{
    private readonly LogCapture _logs = new();

    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Limits:RepliesPerWindow", "1"),
        new("Limits:ReplyWindow", "00:10:00"),
        new("Limits:ReadsPerWindow", "2"),
        new("Limits:ReadWindow", "00:10:00"),
        // As appsettings.json has them, and our own categories at Debug so the refusals' entries are seen.
        new("Logging:LogLevel:Default", "Information"),
        new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
        new("Logging:LogLevel:LiveCommunity", "Debug"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class QuietRefusalTests(QuietRefusalApp app) : IClassFixture<QuietRefusalApp>
{
    [Fact]
    public async Task RateLimitedCallsLogNothingAtInformationOrAboveAndAreCounted()
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var member = app.Member();
        using var http = member.Http();
        (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "the one allowed" })).EnsureSuccessStatusCode();
        await using var hub = await member.ConnectAsync();
        using var anonymous = app.Anonymous().Http();
        using var refused = new HostCounter(app.Services, "livecommunity.rate_limited");
        var before = app.Logs.Count();

        for (var i = 0; i < 40; i++)
        {
            var rest = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = $"rest {i}" });
            Assert.Equal(HttpStatusCode.TooManyRequests, rest.StatusCode);
            await Assert.ThrowsAsync<HubException>(() => hub.Connection.InvokeAsync<object>("PostReply", topicId, $"hub {i}", null));
        }
        var reads = new List<HttpStatusCode>();
        for (var i = 0; i < 22; i++)
        {
            reads.Add((await anonymous.GetAsync("/api/topics")).StatusCode);
        }
        Assert.Equal(20, reads.Count(s => s == HttpStatusCode.TooManyRequests));

        var during = app.Logs.Skip(before).ToList();
        Assert.DoesNotContain(during, l => l.Level >= LogLevel.Information);
        Assert.Contains(during, l => l.EventId == 5101 && l.Level == LogLevel.Debug); // still there for whoever looks
        Assert.Equal(100, refused.Total);
    }
}
