using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// Logs every refused hub call once, at Debug, with a stable event id: a HubException is the hub's answer to a
/// bad or unwelcome call (PROTOCOL.md), as expected as a 4xx over REST. Outermost filter, so it sees the
/// refusals of every other filter too; rethrows, so the client gets the message as before.
/// </summary>
public sealed partial class HubRefusalFilter(ILogger<HubRefusalFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException refusal)
        {
            LogRefused(logger, invocationContext.Context.ConnectionId, invocationContext.HubMethodName, refusal.Message);
            throw;
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: {Method} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string method, string reason);
}

/// <summary>
/// Keeps SignalR's own Error entry ("Failed to invoke hub method", event FailedInvokingHubMethod, with a stack
/// trace) for real failures only: for a HubException, which HubRefusalFilter has already logged at Debug, the
/// entry is dropped. Why this way: the dispatcher logs whatever a hub method throws, and a refusal must be
/// thrown as a HubException to reach the client, so no hub code can avoid the entry; category filters
/// (Logging:LogLevel) see only category and level, so silencing the category would hide real failures too;
/// the logging sampler hook of Microsoft.Extensions.Telemetry sees the exception but replaces the whole logger
/// factory and the [LoggerMessage] source generator of every project that references it. So the logger factory
/// is wrapped, and only the dispatcher's logger is: every other category gets the factory's own logger, and
/// SignalR's behaviour (the message the client gets, the connection staying open) is untouched. Without this,
/// anyone could write Error entries with stack traces at the rate they can send calls.
/// </summary>
public sealed class HubRefusalLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    // DefaultHubDispatcher<THub>'s category (generic arguments are left out of category names) and event name.
    private const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";
    private const string FailedInvocation = "FailedInvokingHubMethod";

    /// <summary>Wraps the ILoggerFactory registered so far (the host's LoggerFactory).</summary>
    public static void Register(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ILoggerFactory));
        services.Remove(original);
        services.AddSingleton<ILoggerFactory>(provider => new HubRefusalLoggerFactory(
            original.ImplementationInstance as ILoggerFactory
            ?? original.ImplementationFactory?.Invoke(provider) as ILoggerFactory
            ?? (ILoggerFactory)ActivatorUtilities.CreateInstance(provider, original.ImplementationType!)));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == DispatcherCategory ? new DispatcherLogger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class DispatcherLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is HubException && eventId.Name == FailedInvocation)
            {
                return;
            }
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
