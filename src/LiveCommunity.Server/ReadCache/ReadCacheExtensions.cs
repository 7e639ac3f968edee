using Microsoft.AspNetCore.OutputCaching;

namespace LiveCommunity.Server.ReadCache;

public static class ReadCacheExtensions
{
    public const string TopicReads = "topic-reads";

    /// <summary>
    /// The read path of a hot story: anonymous reads from the output cache, signed-in ones from shared pages
    /// plus one small query for their own reactions; versions in memory on one instance, from the database on a
    /// cluster (where other instances write too).
    /// </summary>
    public static WebApplicationBuilder AddReadCache(this WebApplicationBuilder builder)
    {
        var cluster = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(Scaling.ScalingExtensions.RedisConnectionName));
        if (!builder.Configuration.GetValue("ReadCache:Enabled", true))
        {
            builder.Services.AddSingleton<ITopicVersions, NoTopicVersions>();
        }
        else if (cluster)
        {
            builder.Services.AddSingleton<ITopicVersions, DatabaseTopicVersions>();
        }
        else
        {
            builder.Services.AddSingleton<ITopicVersions, LocalTopicVersions>();
        }
        builder.Services.AddSingleton<SharedPages>();
        builder.Services.AddSingleton<TopicReadsPolicy>();
        builder.Services.AddOutputCache(options =>
        {
            // Bounded: 64 MB of cached bodies at most; an entry unused for a minute goes.
            options.SizeLimit = 64 * 1024 * 1024;
            options.MaximumBodySize = 1024 * 1024;
            options.DefaultExpirationTimeSpan = TimeSpan.FromMinutes(1);
            // The default policy first: GET/HEAD only, never with an Authorization header, only 200s without cookies.
            options.AddPolicy(TopicReads, policy => policy.AddPolicy<TopicReadsPolicy>());
        });
        return builder;
    }

    /// <summary>After rate limiting (cached answers count too) and before compression (entries stay compressed).</summary>
    public static IApplicationBuilder UseReadCache(this IApplicationBuilder app) => app.UseOutputCache();

    public static TBuilder CachedByTopicVersion<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.CacheOutput(TopicReads);
}
