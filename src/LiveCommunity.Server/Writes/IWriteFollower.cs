using LiveCommunity.Server.Protocol;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// A feature that changes more when another feature's command makes certain events: it runs after every command
/// that appended events, in that command's savepoint (so a failure takes both back), and may change rows and
/// append events of its own. Live updates use it to drop the quote of a reply that left readers' pages, whichever
/// command took it off (a removal, a ban, a report, an erasure, a rejected edit), without those commands knowing.
/// </summary>
public interface IWriteFollower
{
    Task FollowAsync(WriteContext write, IReadOnlyList<TopicEvent> appended, CancellationToken ct);
}
