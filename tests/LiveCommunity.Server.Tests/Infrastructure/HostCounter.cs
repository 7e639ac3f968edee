using System.Diagnostics.Metrics;
using LiveCommunity.Server.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// What one counter of the "LiveCommunity" meter adds up to from now on, on one host only: meters of the other
/// hosts in the test run have another scope (their own IMeterFactory), so parallel tests do not leak in.
/// </summary>
public sealed class HostCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public HostCounter(IServiceProvider host, string instrumentName)
    {
        var scope = host.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CommunityMetrics.MeterName && instrument.Meter.Scope == scope && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
