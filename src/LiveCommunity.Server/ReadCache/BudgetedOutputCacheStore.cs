using System.Collections.Concurrent;
using Microsoft.AspNetCore.OutputCaching;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// The output cache's entries (anonymous reads, stored compressed as served) kept in the read cache's one
/// budget (<see cref="ReadCacheStore"/>) instead of a memory cache of their own, so shared pages and output
/// entries together stay within ReadCache:MaxBytes, and the cache's metrics count both.
/// </summary>
internal sealed class BudgetedOutputCacheStore : IOutputCacheStore
{
    private const string Prefix = "output|";
    private readonly ReadCacheStore _store;
    private readonly ReadCacheMetrics _metrics;
    // Tag → the keys filed under it, for EvictByTagAsync; a key leaves its tags when its entry leaves the cache.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _tagged = new(StringComparer.Ordinal);

    public BudgetedOutputCacheStore(ReadCacheStore store, ReadCacheMetrics metrics)
    {
        _store = store;
        _metrics = metrics;
        store.Left += (key, value) =>
        {
            if (value is Entry { Tags: { } tags } && key is string k)
            {
                foreach (var tag in tags)
                {
                    if (_tagged.TryGetValue(tag, out var keys) && keys.TryRemove(k, out _) && keys.IsEmpty)
                    {
                        _tagged.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, byte>>(tag, keys));
                    }
                }
            }
        };
    }

    private sealed record Entry(byte[] Value, string[]? Tags);

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_store.TryGet<Entry>(Prefix + key, out var entry))
        {
            _metrics.Hit("output");
            return ValueTask.FromResult<byte[]?>(entry!.Value);
        }
        _metrics.Miss("output");
        return ValueTask.FromResult<byte[]?>(null);
    }

    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var stored = Prefix + key;
        if (_store.Set(stored, new Entry(value, tags), value.Length, validFor))
        {
            foreach (var tag in tags ?? [])
            {
                _tagged.GetOrAdd(tag, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[stored] = 0;
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        if (_tagged.TryRemove(tag, out var keys))
        {
            foreach (var key in keys.Keys)
            {
                _store.Remove(key);
            }
        }
        return ValueTask.CompletedTask;
    }
}
