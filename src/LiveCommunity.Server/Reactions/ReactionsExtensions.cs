using LiveCommunity.Server.Reactions.Internal;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Reactions;

public static class ReactionsExtensions
{
    /// <summary>
    /// Reactions for REST and the hub: the configured kinds, the counts (a participant of every write batch,
    /// with its coalescing windows per topic queue) and the sweep of owed events.
    /// </summary>
    public static WebApplicationBuilder AddReactions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReactionsOptions>().BindConfiguration("Reactions")
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                // "Reactions:Kinds" may be one comma-separated string (handy in environment variables).
                if (configuration["Reactions:Kinds"] is { Length: > 0 } list)
                {
                    options.Kinds = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                }
                if (options.Kinds.Count == 0)
                {
                    options.Kinds = [.. ReactionsOptions.DefaultKinds];
                }
                options.Kinds = [.. options.Kinds.Select(k => k.Trim().ToLowerInvariant()).Distinct()];
                options.Score = options.Score.ToDictionary(p => p.Key.Trim().ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
            })
            .Validate(o => o.Kinds.All(k => k.Length is > 0 and <= 32 && k.All(char.IsAsciiLetterOrDigit)),
                "Reactions:Kinds must be short names of letters and digits")
            .Validate(o => o.Score.All(p => o.Kinds.Contains(p.Key) && p.Value >= 0),
                "Reactions:Score must give configured kinds (Reactions:Kinds) weights that are non-negative integers")
            .Validate(o => o.CoalesceWindow >= TimeSpan.Zero && o.PendingSweepInterval > TimeSpan.Zero,
                "Reactions:CoalesceWindow must not be negative and Reactions:PendingSweepInterval must be positive")
            .ValidateOnStart();

        builder.Services.AddScoped<ReactionService>();
        builder.Services.AddSingleton<ReactionCounts>();
        builder.Services.AddSingleton<IBatchParticipant, ReactionParticipant>();
        builder.Services.AddHostedService<PendingReactionEventSweep>();
        builder.Services.AddSingleton<ReplyScores>();
        return builder;
    }
}
