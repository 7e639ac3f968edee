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
        builder.Services.AddOptions<ReadCacheOptions>().BindConfiguration("ReadCache")
            .Validate(o => o.MaxBytes >= ReadCacheOptions.MinBytes, $"ReadCache:MaxBytes must be at least {ReadCacheOptions.MinBytes} bytes")
            .ValidateOnStart();
        var cluster = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(Scaling.RedisConnection.ConnectionStringName));
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
        // One budget in bytes for every kept response: shared pages and output-cache entries share one store.
        builder.Services.AddSingleton<ReadCacheMetrics>();
        builder.Services.AddSingleton<ReadCacheStore>();
        builder.Services.AddSingleton<SharedPages>();
        builder.Services.AddSingleton<IOutputCacheStore, BudgetedOutputCacheStore>();
        builder.Services.AddSingleton<TopicReadsPolicy>();
        var maxBytes = builder.Configuration.GetValue("ReadCache:MaxBytes", new ReadCacheOptions().MaxBytes);
        builder.Services.AddOutputCache(options =>
        {
            // The store keeps entries within ReadCache:MaxBytes; a body of more than a sixteenth of it is not kept,
            // and an entry unused for a minute goes.
            options.MaximumBodySize = Math.Max(1, maxBytes / 16);
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
