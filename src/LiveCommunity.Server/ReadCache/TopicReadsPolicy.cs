using LiveCommunity.Server.Storage;
using Microsoft.AspNetCore.OutputCaching;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// Output caching of anonymous reads of one topic (the topic, its reply pages) and of the topic list: the
/// cache key carries the current version (<see cref="ITopicVersions"/>), so a change makes the old entries
/// unreachable at once, on every instance, and a herd of readers opening the same story runs the query once
/// (the output cache's per-key locking). Signed-in reads are not cached here (their "mine" differs): they use
/// <see cref="SharedPages"/> and merge their own reactions in.
/// </summary>
internal sealed class TopicReadsPolicy(ITopicVersions versions) : IOutputCachePolicy
{
    private static readonly Microsoft.Extensions.Primitives.StringValues QueryKeys = new(["limit", "cursor", "order", "featured", "keyEvents"]);

    public async ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        long? version;
        if (http.Request.RouteValues.TryGetValue("topicId", out var value) && value is string topicId)
        {
            version = await versions.TopicAsync(http.RequestServices.GetRequiredService<CommunityDb>(), topicId, cancellation);
        }
        else
        {
            version = versions.List();
        }
        if (version is null)
        {
            context.EnableOutputCaching = false; // unknown version: read through, do not keep
            return;
        }
        context.CacheVaryByRules.VaryByValues["v"] = version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Only the parameters these routes read: made-up extra ones must not each get an entry of their own.
        context.CacheVaryByRules.QueryKeys = QueryKeys;
        // Compression runs after the cache: every encoding is its own entry, compressed once.
        context.CacheVaryByRules.HeaderNames = "Accept-Encoding";
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
