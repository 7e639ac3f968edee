namespace LiveCommunity.Server.Delivery;

/// <summary>
/// Whose turn it is to send a throttled event that describes cluster-wide state (PresenceChanged, TopicStats).
/// Each instance throttles its own signals; without turns, N instances seeing changes of one topic would each
/// send once per window, N times the rate PROTOCOL.md promises. The instance that takes a key's turn sends for
/// the whole cluster during that window (what it sends is read cluster-wide); the others try again after it.
/// </summary>
public interface ISendTurns
{
    /// <summary>True when this instance takes <paramref name="key"/>'s turn for <paramref name="window"/>.</summary>
    ValueTask<bool> TryTakeAsync(string key, TimeSpan window);
}

/// <summary>One instance: it is always its own turn.</summary>
public sealed class LocalSendTurns : ISendTurns
{
    public ValueTask<bool> TryTakeAsync(string key, TimeSpan window) => ValueTask.FromResult(true);
}
