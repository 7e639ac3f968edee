namespace LiveCommunity.Server.ReadCache;

/// <summary>Configuration section "ReadCache" (docs/deployment.md, "Sizing the read cache").</summary>
public sealed class ReadCacheOptions
{
    /// <summary>Off (<c>false</c>): every read goes to the database (the benchmark's baseline).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The one memory budget of this instance for built responses: shared pages and output-cache entries
    /// together, counted in their serialized bytes. Past it the least recently used entries go.
    /// </summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The smallest budget accepted: below it hardly a page fits.</summary>
    public const long MinBytes = 64 * 1024;
}
