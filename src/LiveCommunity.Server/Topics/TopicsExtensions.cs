namespace LiveCommunity.Server.Topics;

public static class TopicsExtensions
{
    /// <summary>Topics for REST and the hub.</summary>
    public static WebApplicationBuilder AddTopics(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TopicService>();
        return builder;
    }
}
