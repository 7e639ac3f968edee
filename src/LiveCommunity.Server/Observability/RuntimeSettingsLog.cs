using System.Runtime;

namespace LiveCommunity.Server.Observability;

/// <summary>
/// Logs at start the runtime settings that decide how much memory the instance keeps beyond its live data (the
/// project file sets them, the environment may override them): an operator sizing an instance, or reading a
/// memory graph, can see which ones were in effect without reading the runtimeconfig.
/// </summary>
public static partial class RuntimeSettingsLog
{
    public static void LogRuntimeSettings(this WebApplication app)
    {
        var gc = GC.GetConfigurationVariables();
        var mode = GCSettings.IsServerGC ? "server" : "workstation";
        var (datas, conserve, gen0) = (Setting(gc, "GCDynamicAdaptationMode"), Setting(gc, "GCConserveMem"), Setting(gc, "GCDGen0GrowthPercent"));
        bool? pgo = AppContext.TryGetSwitch("System.Runtime.TieredPGO", out var on) ? on : null;
        LogGc(app.Logger, mode, datas, conserve, gen0, pgo);
    }

    // The GC reports 0 for a setting it runs with its default for.
    private static long Setting(IReadOnlyDictionary<string, object> gc, string name) =>
        gc.TryGetValue(name, out var value) && value is long number ? number : 0;

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information,
        Message = "GC: {Mode}, dynamic adaptation {Datas}, conserve memory {Conserve}, gen0 growth {Gen0Growth}% (0: default); tiered PGO {Pgo}")]
    private static partial void LogGc(ILogger logger, string mode, long datas, long conserve, long gen0Growth, bool? pgo);
}
