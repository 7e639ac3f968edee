using LiveCommunity.Server.Observability;
using LiveCommunity.Server.Writes.Internal;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Writes;

public static class WritesExtensions
{
    /// <summary>The write pipeline: per-topic queues, group commit, bounded batches in flight.</summary>
    public static WebApplicationBuilder AddWrites(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WriteOptions>().BindConfiguration("Writes")
            .Validate(o => o.MaxBatchSize > 0 && o.MaxQueuedPerTopic > 0 && o.MaxQueued > 0 && o.MaxWait > TimeSpan.Zero
                           && o.MaxBatchDelay >= TimeSpan.Zero && o.ReactionBatchDelay >= TimeSpan.Zero && o.RetryAfter >= TimeSpan.FromSeconds(1) && o.LockTimeout > TimeSpan.Zero,
                "Writes:* must be positive (RetryAfter at least 1 s)")
            .ValidateOnStart();
        builder.Services.AddSingleton<WriteLog>();
        builder.Services.AddSingleton<Writers>();
        builder.Services.AddSingleton<BatchRunner>();
        builder.Services.AddSingleton<QueueSet>();
        builder.Services.AddSingleton(services => new TopicWriter(
            services.GetRequiredService<QueueSet>(),
            services.GetRequiredService<CommunityMetrics>(),
            services.GetRequiredService<WriteLog>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<WriteOptions>>()));
        builder.Services.AddHostedService<EventLogPruner>();
        return builder;
    }
}
