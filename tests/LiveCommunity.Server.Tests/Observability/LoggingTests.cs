using System.Collections.Concurrent;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Observability;

/// <summary>A host whose every log line (ours at Trace, EF Core's at Information) is captured.</summary>
public sealed class CapturedLogsApp : AppFactory
{
    public ConcurrentQueue<(string Category, int EventId, string Message)> Lines { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Logging:LogLevel:LiveCommunity", "Trace"),
        new("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Information"),
        new("Limits:RepliesPerWindow", "1"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new CaptureProvider(Lines)));
    }

    private sealed class CaptureProvider(ConcurrentQueue<(string, int, string)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capture(categoryName, lines);
        public void Dispose() { }
    }

    private sealed class Capture(string category, ConcurrentQueue<(string, int, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, eventId.Id, formatter(state, exception) + " " + exception));
    }
}

public sealed class LoggingTests(CapturedLogsApp app) : IClassFixture<CapturedLogsApp>
{
    [Fact]
    public async Task LogsTellWhatHappenedButNeverCarryReplyTextOrTokens()
    {
        var moderator = app.Moderator();
        var topicId = (string)(await moderator.CreateTopicAsync())["id"]!;
        var member = app.Member();
        const string secretText = "very-private-reply-text-0xC0FFEE";
        var reply = await member.PostReplyAsync(topicId, secretText);
        await using (var watcher = await member.ConnectAsync())
        {
            await watcher.WatchAsync(topicId, 0);
            await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() =>
                watcher.Connection.InvokeAsync<object>("PostReply", topicId, secretText + " again", null)); // rate limited
            await watcher.Connection.InvokeAsync("Unwatch", topicId);
        }
        using (var http = moderator.Http())
        {
            (await http.DeleteAsync($"/api/replies/{reply["id"]}?reason=test")).EnsureSuccessStatusCode();
        }

        var lines = app.Lines.ToArray();
        Assert.Contains(lines, l => l.EventId == 3002); // connection opened
        Assert.Contains(lines, l => l.EventId == 3001 && l.Message.Contains(topicId)); // watch with replay
        Assert.Contains(lines, l => l.EventId == 3004); // unwatch
        Assert.Contains(lines, l => l.EventId == 5101); // rate limited
        Assert.Contains(lines, l => l.EventId == 5001 && l.Message.Contains("remove")); // moderation
        foreach (var line in lines)
        {
            Assert.DoesNotContain("0xC0FFEE", line.Message);
            Assert.DoesNotContain(member.Identity!.Token, line.Message);
            Assert.DoesNotContain(moderator.Identity!.Token, line.Message);
        }
    }
}
