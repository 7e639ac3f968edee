using LiveCommunity.Server.Delivery;

namespace LiveCommunity.Server.Scaling;

/// <summary>Configuration section "Redis"; only read where <c>ConnectionStrings:Redis</c> is set.</summary>
public sealed class ScaleOutOptions
{
    /// <summary>Prefixes every pub/sub channel and presence key, so clusters can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "livecommunity";

    /// <summary>How often an instance re-announces its watcher counts (and notices other instances' changes).</summary>
    public TimeSpan PresenceHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an instance's counts stay valid without a heartbeat: a killed instance drops out after this.</summary>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(15);
}
