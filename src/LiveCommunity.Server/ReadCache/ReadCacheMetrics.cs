using System.Diagnostics.Metrics;
using LiveCommunity.Server.Observability;
using Microsoft.Extensions.Caching.Memory;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// The read cache's instruments on the "LiveCommunity" meter: its bytes against its budget, its entries, hits and
/// misses per cache (shared pages, output cache) and evictions by reason, so an operator sees whether the budget
/// is too small (capacity evictions, a low hit ratio) before readers do.
/// </summary>
public sealed class ReadCacheMetrics
{
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _evictions;
    private Func<long>? _bytes;
    private Func<long>? _entries;
    private long _budget;

    public ReadCacheMetrics(IMeterFactory meters)
    {
        // The factory hands out the one meter of this name: these instruments join CommunityMetrics' ones.
        var meter = meters.Create(CommunityMetrics.MeterName);
        meter.CreateObservableGauge("livecommunity.readcache.size", () => _bytes?.Invoke() ?? 0, "By", "Bytes kept by the read cache (shared pages and output cache)");
        meter.CreateObservableGauge("livecommunity.readcache.budget", () => Volatile.Read(ref _budget), "By", "ReadCache:MaxBytes, the read cache's budget");
        meter.CreateObservableGauge("livecommunity.readcache.entries", () => _entries?.Invoke() ?? 0, "{entry}", "Entries in the read cache");
        _hits = meter.CreateCounter<long>("livecommunity.readcache.hits", "{lookup}", "Reads served from the read cache, by cache (pages, output)");
        _misses = meter.CreateCounter<long>("livecommunity.readcache.misses", "{lookup}", "Reads the read cache did not have, by cache (pages, output)");
        _evictions = meter.CreateCounter<long>("livecommunity.readcache.evictions", "{entry}",
            "Entries that left the read cache, by reason (capacity, expired, replaced: a newer version of the page, removed)");
    }

    public void ObserveWith(Func<long> bytes, Func<long> entries, long budget) => (_bytes, _entries, _budget) = (bytes, entries, budget);

    public void Hit(string cache) => _hits.Add(1, new KeyValuePair<string, object?>("cache", cache));

    public void Miss(string cache) => _misses.Add(1, new KeyValuePair<string, object?>("cache", cache));

    public void Evicted(EvictionReason reason) => _evictions.Add(1, new KeyValuePair<string, object?>("reason", reason switch
    {
        EvictionReason.Capacity => "capacity",
        EvictionReason.Expired or EvictionReason.TokenExpired => "expired",
        EvictionReason.Replaced => "replaced",
        _ => "removed",
    }));
}
