using LiveCommunity.Server.Topics;

namespace LiveCommunity.Server.Protocol;

// The live topic list (PROTOCOL.md v2). No seq: these are hints for a front page, not history; a client that
// reconnects reloads the list over REST.

/// <summary>A topic was created. The topic carries no <c>mine</c>: events never do.</summary>
public sealed record TopicPostedEvent(Topic Topic);

/// <summary>A topic's counts as they are now: its visible replies, its own reactions and its watchers.</summary>
public sealed record TopicStatsEvent(string TopicId, int ReplyCount, IReadOnlyDictionary<string, int> Reactions, int Watchers);

/// <summary>What <c>WatchTopics()</c> answers: <c>{}</c> today, an object so fields can be added later.</summary>
public sealed record WatchTopicsResult
{
    public static readonly WatchTopicsResult Empty = new();
}
