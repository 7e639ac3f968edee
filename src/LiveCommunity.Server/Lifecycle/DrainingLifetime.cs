using System.Runtime.InteropServices;

namespace LiveCommunity.Server.Lifecycle;

/// <summary>
/// The host's lifetime in place of ConsoleLifetime: SIGTERM (what Kubernetes, docker stop and scripts/cluster.sh
/// send) drains first and stops the application after; SIGINT and SIGQUIT, and a second SIGTERM, stop at once.
/// The drain has to come before StopApplication: once the application is stopping, SignalR closes every hub
/// connection at the same instant (HttpConnectionManager), which is what the drain spreads out.
/// </summary>
internal sealed partial class DrainingLifetime(IHostApplicationLifetime lifetime, ShutdownDrain drain, ILogger<DrainingLifetime> logger)
    : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _signals = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, StopNow));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, StopNow));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true; // the process ends when the host has stopped, not now
        if (drain.IsDraining)
        {
            lifetime.StopApplication();
            return;
        }
        _ = DrainThenStopAsync();
    }

    private void StopNow(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }

    private async Task DrainThenStopAsync()
    {
        try
        {
            await drain.RunAsync(lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            // stopped by a second signal while draining
        }
        catch (Exception ex)
        {
            LogDrainFailed(logger, ex);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    public void Dispose()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
    }

    [LoggerMessage(EventId = 6705, Level = LogLevel.Error, Message = "The drain failed; stopping now")]
    private static partial void LogDrainFailed(ILogger logger, Exception ex);
}
