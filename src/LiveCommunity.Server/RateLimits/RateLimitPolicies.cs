namespace LiveCommunity.Server.RateLimits;

/// <summary>
/// What endpoints of every feature name to be rate limited: the read and connection policies (set up by
/// AddSafety) and the per-kind write limit.
/// </summary>
public static class RateLimitPolicies
{
    public const string Reads = "reads";
    public const string Connections = "connections";

    public static TBuilder WithWriteLimit<TBuilder>(this TBuilder builder, WriteKind kind) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new WriteLimitEndpointFilter(kind));
}
