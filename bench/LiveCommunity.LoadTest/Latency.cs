using HdrHistogram;

namespace LiveCommunity.LoadTest;

/// <summary>Post-to-delivery latency in microseconds (HdrHistogram, 3 significant digits, up to 10 minutes).</summary>
public sealed class Latency
{
    private readonly Lock _gate = new();
    private readonly LongHistogram _histogram = new(1, 600_000_000, 3);

    public long Count { get { lock (_gate) { return _histogram.TotalCount; } } }

    public void Record(TimeSpan elapsed)
    {
        // createdAt and the receive time come from the same machine clock; clamp the sub-tick rounding.
        var micros = Math.Clamp(elapsed.Ticks / 10, 1, 600_000_000);
        lock (_gate)
        {
            _histogram.RecordValue(micros);
        }
    }

    /// <summary>The recorded values as [microseconds, count] pairs, to merge histograms across processes.</summary>
    public List<long[]> Export()
    {
        lock (_gate)
        {
            return [.. _histogram.RecordedValues().Select(v => new[] { v.ValueIteratedTo, v.CountAddedInThisIterationStep })];
        }
    }

    /// <summary>Adds what <see cref="Export"/> returned (of this or another process).</summary>
    public void Import(IEnumerable<long[]> counts)
    {
        lock (_gate)
        {
            foreach (var pair in counts)
            {
                _histogram.RecordValueWithCount(Math.Clamp(pair[0], 1, 600_000_000), pair[1]);
            }
        }
    }

    /// <summary>The value at <paramref name="percentile"/> in milliseconds; NaN when empty.</summary>
    public double PercentileMs(double percentile)
    {
        lock (_gate)
        {
            return _histogram.TotalCount == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;
        }
    }

    /// <summary>p50/p90/p99/max in milliseconds, under keys prefixed by <paramref name="prefix"/>.</summary>
    public void AddTo(Dictionary<string, double> metrics, string prefix = "latency")
    {
        lock (_gate)
        {
            if (_histogram.TotalCount == 0)
            {
                return;
            }
            metrics[prefix + "P50Ms"] = _histogram.GetValueAtPercentile(50) / 1000.0;
            metrics[prefix + "P90Ms"] = _histogram.GetValueAtPercentile(90) / 1000.0;
            metrics[prefix + "P99Ms"] = _histogram.GetValueAtPercentile(99) / 1000.0;
            metrics[prefix + "MaxMs"] = _histogram.GetMaxValue() / 1000.0;
        }
    }
}
