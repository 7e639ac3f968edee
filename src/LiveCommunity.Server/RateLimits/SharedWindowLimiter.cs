using System.Diagnostics;
using System.Threading.RateLimiting;

namespace LiveCommunity.Server.RateLimits;

/// <summary>
/// One key's window of a <see cref="SharedRateLimits"/> limit, as a RateLimiter for ASP.NET Core's rate
/// limiting middleware (the reads and connections policies). The middleware tries AttemptAcquire first and,
/// when that is refused, AcquireAsync: the synchronous try always says no, so every request is decided by the
/// shared count, which may need a Redis round trip.
/// </summary>
internal sealed class SharedWindowLimiter(SharedRateLimits shared, string limit, string key, int permits, TimeSpan window) : RateLimiter
{
    private long _lastUsed = Stopwatch.GetTimestamp();

    /// <summary>Time since the last request: the middleware drops partitions idle for a while, so memory follows the active keys.</summary>
    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        if (permitCount == 0)
        {
            return Lease.Granted; // a probe takes nothing
        }
        return await shared.TryAcquireAsync(limit, key, permits, window) is { } retryAfter ? new Lease(retryAfter) : Lease.Granted;
    }

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(null);
        public static readonly Lease Undecided = new(TimeSpan.Zero);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
