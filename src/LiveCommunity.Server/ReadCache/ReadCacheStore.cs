using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// The one memory budget of everything that keeps built responses on this instance (ReadCache:MaxBytes): the
/// shared pages and the output cache's entries live in one MemoryCache sized in bytes, so together they never
/// hold more than the budget, whatever the mix of topics, versions, page sizes and cursors. Past the budget the
/// least recently used entries go first; an entry of more than a sixteenth of the budget is not kept at all, so
/// one huge page cannot push out everything else.
/// </summary>
public sealed class ReadCacheStore : IDisposable
{
    // A cache entry's own objects (the entry, its key string, options) on top of the kept bytes.
    private const long EntryOverhead = 200;
    private readonly MemoryCache _cache;
    private readonly ReadCacheMetrics _metrics;
    private readonly PostEvictionDelegate _evicted;

    public ReadCacheStore(IOptions<ReadCacheOptions> options, ReadCacheMetrics metrics)
    {
        MaxBytes = options.Value.MaxBytes;
        _metrics = metrics;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxBytes, TrackStatistics = true, CompactionPercentage = 0.1 });
        _evicted = OnEvicted;
        metrics.ObserveWith(() => Bytes, () => _cache.Count, MaxBytes);
    }

    public long MaxBytes { get; }

    /// <summary>The largest entry kept: anything bigger is served but not kept.</summary>
    public long MaxEntryBytes => MaxBytes / 16;

    /// <summary>The bytes held now, as counted against the budget.</summary>
    public long Bytes => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public int Entries => _cache.Count;

    /// <summary>Called after an entry left (any reason), with its key and value, off the request path.</summary>
    public event Action<object, object?>? Left;

    public bool TryGet<TValue>(string key, out TValue? value) where TValue : class
    {
        value = _cache.Get(key) as TValue;
        return value is not null;
    }

    /// <summary>Keeps <paramref name="value"/> (whose own size is <paramref name="bytes"/>) unless it is too big for the budget.</summary>
    public bool Set(string key, object value, long bytes, TimeSpan lifetime)
    {
        var size = bytes + key.Length * sizeof(char) + EntryOverhead;
        if (size > MaxEntryBytes)
        {
            return false;
        }
        using var entry = _cache.CreateEntry(key);
        entry.Value = value;
        entry.Size = size;
        entry.AbsoluteExpirationRelativeToNow = lifetime;
        entry.RegisterPostEvictionCallback(_evicted);
        return true;
    }

    public void Remove(string key) => _cache.Remove(key);

    private void OnEvicted(object key, object? value, EvictionReason reason, object? state)
    {
        _metrics.Evicted(reason);
        Left?.Invoke(key, value);
    }

    public void Dispose() => _cache.Dispose();
}
