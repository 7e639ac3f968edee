using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Infrastructure;

public sealed record LogLine(LogLevel Level, string Category, int EventId, string Message);

/// <summary>Every log entry of a host, with its level: add with <c>builder.ConfigureLogging(l => l.AddProvider(capture))</c>.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capture(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Capture(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(logLevel, category, eventId.Id, formatter(state, exception) + " " + exception));
    }
}
