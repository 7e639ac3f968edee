namespace LiveCommunity.Server.Common;

/// <summary>
/// A token bucket for one client: up to <c>capacity</c> calls at once, then <c>perSecond</c> on average. A few
/// fields and no timer, so one per hub connection costs next to nothing (System.Threading.RateLimiting's
/// TokenBucketRateLimiter keeps a timer each). Thread-safe.
/// </summary>
public sealed class TokenBucket(int capacity, double perSecond, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = capacity;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one token; false, with how long until there is one, when the bucket is empty.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(capacity, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
            return false;
        }
    }
}
