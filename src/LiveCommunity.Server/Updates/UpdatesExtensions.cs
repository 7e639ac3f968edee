using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Updates;

public static class UpdatesExtensions
{
    /// <summary>The live blog: the newsroom's updates of a topic, their Markdown renderer, and the quote cascade.</summary>
    public static WebApplicationBuilder AddUpdates(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UpdatesOptions>().BindConfiguration("Updates")
            .Validate(o => o.BodyMaxLength is > 0 and <= 20_000 && o.MaxPerTopic > 0,
                "Updates:BodyMaxLength must be 1..20000 (the column holds 40,000) and Updates:MaxPerTopic positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<UpdateMarkdown>();
        builder.Services.AddSingleton<IWriteFollower, QuoteRemoval>();
        builder.Services.AddScoped<UpdateService>();
        return builder;
    }
}
