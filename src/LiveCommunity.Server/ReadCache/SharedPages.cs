using Microsoft.Extensions.Caching.Memory;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// The caller-independent part of hot reads (a topic, a page of replies, a page of topics), built once per
/// version and shared by every reader, anonymous or signed in; a signed-in reader's own reactions are merged in
/// afterwards. Bounded by entry count; entries also expire, so versions nobody asks for any more go away.
/// </summary>
public sealed class SharedPages : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>
    /// The value filed under <paramref name="key"/> at <paramref name="version"/>, built by <paramref name="build"/>
    /// if missing (null, "no such thing", is never kept).
    /// </summary>
    public async Task<T?> GetOrBuildAsync<T>(string key, long? version, Func<Task<T?>> build) where T : class
    {
        if (version is null)
        {
            return await build();
        }
        var versioned = key + "@" + version.Value;
        if (_cache.TryGetValue(versioned, out T? cached) && cached is not null)
        {
            return cached;
        }
        var built = await build();
        if (built is null)
        {
            return null;
        }
        _cache.Set(versioned, built, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        return built;
    }

    public void Dispose() => _cache.Dispose();
}
