namespace LiveCommunity.Server.Notifications;

public static class NotificationsExtensions
{
    /// <summary>Stored notifications, their live push after commit, and the sweep that keeps them bounded.</summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationsOptions>().BindConfiguration("Notifications")
            .Validate(o => o.MaxPerUser > 0 && o.Retention > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero
                    && o.MaxPendingUsers > 0 && o.MaxPendingPerUser > 0,
                "Notifications:MaxPerUser, Retention, SweepInterval, MaxPendingUsers and MaxPendingPerUser must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<LiveNotifications>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveNotifications>());
        builder.Services.AddSingleton<Notifier>();
        builder.Services.AddScoped<NotificationService>();
        builder.Services.AddHostedService<NotificationSweep>();
        return builder;
    }
}
