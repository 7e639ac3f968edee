using System.Collections.Concurrent;

namespace LiveCommunity.Server.Delivery.Internal;

/// <summary>
/// Which local connections are in which group, kept by the delivery manager itself so it can deliver without the
/// backplane. A group lives while it has local members: the last one to leave drops it, so made-up or abandoned
/// topic ids leave nothing behind.
/// </summary>
internal sealed class LocalGroups
{
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);

    public int Count => _groups.Count;

    /// <summary>Names of the groups with a member on this instance now.</summary>
    public IReadOnlyList<string> Names => [.. _groups.Keys];

    public void Join(string groupName, LocalConnection local)
    {
        while (true)
        {
            var group = _groups.GetOrAdd(groupName, static _ => new Group());
            lock (group)
            {
                // Lost a race with the last member leaving, which dropped this group: take a fresh one.
                if (!group.Dropped)
                {
                    if (group.Members.TryAdd(local.Context.ConnectionId, local))
                    {
                        group.Count++;
                    }
                    return;
                }
            }
        }
    }

    /// <summary>Removes a member; the last one out drops the group, so an empty group costs nothing.</summary>
    public void Leave(string groupName, string connectionId)
    {
        if (!_groups.TryGetValue(groupName, out var group))
        {
            return;
        }
        lock (group)
        {
            if (group.Members.TryRemove(connectionId, out _) && --group.Count == 0)
            {
                group.Dropped = true;
                _groups.TryRemove(new KeyValuePair<string, Group>(groupName, group));
            }
        }
    }

    /// <summary>The group's local members now (a live view: members may come and go while it is read).</summary>
    public ICollection<KeyValuePair<string, LocalConnection>> MembersOf(string groupName) =>
        _groups.TryGetValue(groupName, out var group) ? group.Members : [];

    /// <summary>The group's sends on this instance, in order (<see cref="GroupSends{TMember}"/>); null when it has no member here.</summary>
    public GroupSends<LocalConnection>? SendsOf(string groupName) =>
        _groups.TryGetValue(groupName, out var group) ? group.Sends : null;

    private sealed class Group
    {
        public Group() => Sends = new(() => Volatile.Read(ref Count), () => Members.Select(member => member.Value));

        public ConcurrentDictionary<string, LocalConnection> Members { get; } = new(StringComparer.Ordinal);
        public GroupSends<LocalConnection> Sends { get; }

        /// <summary>Members.Count without taking every lock of the dictionary; changed under the group's lock.</summary>
        public int Count;
        public bool Dropped;
    }
}
