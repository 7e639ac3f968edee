using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace LiveCommunity.Server.Observability;

/// <summary>Configuration section "Metrics".</summary>
public sealed class MetricsOptions
{
    /// <summary>Serve Prometheus metrics; null means "only in Development".</summary>
    public bool? Enabled { get; set; }
    public string Path { get; set; } = "/metrics";
}

public static class ObservabilityExtensions
{
    /// <summary>The LiveCommunity meter plus ASP.NET Core and runtime metrics, exported for Prometheus.</summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration("Metrics");
        builder.Services.AddSingleton<CommunityMetrics>();
        if (!(builder.Configuration.GetValue<bool?>("Metrics:Enabled") ?? builder.Environment.IsDevelopment()))
        {
            // Nobody scrapes: no collection pipeline either (measured: a few percent of a hot write path's CPU).
            return builder;
        }
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CommunityMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        // Scrapes read live values; the exporter's default response cache would make tests and dashboards lag.
        builder.Services.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
        return builder;
    }

    public static void MapMetrics(this WebApplication app)
    {
        var options = app.Configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        if (options.Enabled ?? app.Environment.IsDevelopment())
        {
            app.MapPrometheusScrapingEndpoint(options.Path);
        }
    }
}
