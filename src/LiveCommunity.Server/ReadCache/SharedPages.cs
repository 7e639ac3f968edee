using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// The caller-independent part of hot reads (a topic, a page of replies, a page of topics), built once per
/// version and shared by every reader, anonymous or signed in; a signed-in reader's own reactions are merged in
/// afterwards. Kept as the JSON it is answered with, counted in bytes against the read cache's budget
/// (<see cref="ReadCacheStore"/>), and only at the newest version built: every read asks for the current
/// version, so an older one is never looked up again and a new version replaces it instead of piling up next
/// to it (nearly every write starts a new version). Entries also expire, so pages nobody asks for go away.
/// </summary>
public sealed class SharedPages(ReadCacheStore store, ReadCacheMetrics metrics, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    private sealed record Page(long Version, byte[] Utf8);

    /// <summary>
    /// The page filed under <paramref name="key"/> (built from decoded positions, never from raw input) at
    /// <paramref name="version"/>, built by <paramref name="build"/> if missing. Null, "no such thing", is never kept.
    /// </summary>
    public async Task<JsonBody<T>?> GetOrBuildAsync<T>(string key, long? version, Func<Task<T?>> build) where T : class
    {
        var stored = "page|" + key;
        if (version is { } wanted && store.TryGet<Page>(stored, out var kept) && kept!.Version == wanted)
        {
            metrics.Hit("pages");
            return new JsonBody<T>(kept.Utf8, null, _json);
        }
        if (version is not null)
        {
            metrics.Miss("pages");
        }
        var value = await build();
        if (value is null)
        {
            return null;
        }
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(value, _json);
        // A slower build of an older version must not replace a newer one.
        if (version is not null && !(store.TryGet<Page>(stored, out var newer) && newer!.Version > version!.Value))
        {
            store.Set(stored, new Page(version!.Value, utf8), utf8.Length, Lifetime);
        }
        return new JsonBody<T>(utf8, value, _json);
    }
}
