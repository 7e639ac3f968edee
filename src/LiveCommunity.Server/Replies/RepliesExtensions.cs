using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Replies;

public static class RepliesExtensions
{
    /// <summary>Replies for REST and the hub, and the reply → topic lookup every write by reply id queues with.</summary>
    public static WebApplicationBuilder AddReplies(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReplyService>();
        builder.Services.AddScoped<ReplyPages>();
        builder.Services.AddScoped<MuteService>();
        builder.Services.AddSingleton<ReplyTopics>();
        return builder;
    }
}
