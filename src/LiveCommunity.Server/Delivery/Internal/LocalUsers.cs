namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>
/// One instance's signed-in connections by user, so a send to a user (a reader's notification) finds theirs
/// without scanning every connection. A user with no connection left leaves nothing behind. Arrays replaced on
/// change: a user has few connections, and a send reads without a lock.
/// </summary>
internal sealed class LocalUsers
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LocalConnection[]> _byUser = new(StringComparer.Ordinal);

    public void Add(string userId, LocalConnection local)
    {
        lock (_gate)
        {
            _byUser[userId] = _byUser.TryGetValue(userId, out var known) ? [.. known, local] : [local];
        }
    }

    public void Remove(string userId, LocalConnection local)
    {
        lock (_gate)
        {
            if (!_byUser.TryGetValue(userId, out var known))
            {
                return;
            }
            var left = Array.FindAll(known, c => c != local);
            if (left.Length == 0)
            {
                _byUser.Remove(userId);
            }
            else
            {
                _byUser[userId] = left;
            }
        }
    }

    /// <summary>The user's connections on this instance now.</summary>
    public LocalConnection[] Of(string userId)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(userId, out var connections) ? connections : [];
        }
    }
}
