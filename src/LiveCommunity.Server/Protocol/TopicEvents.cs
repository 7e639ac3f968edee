using System.Text.Json.Serialization;
using LiveCommunity.Server.Replies;
using LiveCommunity.Server.Topics;

namespace LiveCommunity.Server.Protocol;

/// <summary>
/// A logged event of one topic. The "type" discriminator is the event's hub method name, which is exactly
/// what PROTOCOL.md asks for in Watch's <c>missed</c> list.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ReplyPostedEvent), nameof(IDiscussionClient.ReplyPosted))]
[JsonDerivedType(typeof(ReplyEditedEvent), nameof(IDiscussionClient.ReplyEdited))]
[JsonDerivedType(typeof(ReplyRemovedEvent), nameof(IDiscussionClient.ReplyRemoved))]
[JsonDerivedType(typeof(ReplyRestoredEvent), nameof(IDiscussionClient.ReplyRestored))]
[JsonDerivedType(typeof(ReplyFeaturedEvent), nameof(IDiscussionClient.ReplyFeatured))]
[JsonDerivedType(typeof(ReactionsChangedEvent), nameof(IDiscussionClient.ReactionsChanged))]
[JsonDerivedType(typeof(TopicUpdatedEvent), nameof(IDiscussionClient.TopicUpdated))]
[JsonDerivedType(typeof(UpdatePostedEvent), nameof(IDiscussionClient.UpdatePosted))]
[JsonDerivedType(typeof(UpdateEditedEvent), nameof(IDiscussionClient.UpdateEdited))]
[JsonDerivedType(typeof(UpdateRemovedEvent), nameof(IDiscussionClient.UpdateRemoved))]
public abstract record TopicEvent(string TopicId, long Seq);

public sealed record ReplyPostedEvent(string TopicId, long Seq, Reply Reply) : TopicEvent(TopicId, Seq);

public sealed record ReplyEditedEvent(string TopicId, long Seq, Reply Reply) : TopicEvent(TopicId, Seq);

public sealed record ReplyRemovedEvent(string TopicId, long Seq, string ReplyId) : TopicEvent(TopicId, Seq);

public sealed record ReplyRestoredEvent(string TopicId, long Seq, Reply Reply) : TopicEvent(TopicId, Seq);

/// <summary>A reply was featured or unfeatured; no text, so a later removal has nothing of it to scrub.</summary>
public sealed record ReplyFeaturedEvent(string TopicId, long Seq, string ReplyId, bool Featured) : TopicEvent(TopicId, Seq);

/// <summary>Absolute counts for one target: the topic itself when <c>ReplyId</c> is null.</summary>
public sealed record ReactionsChangedEvent(string TopicId, long Seq, string? ReplyId, IReadOnlyDictionary<string, int> Reactions)
    : TopicEvent(TopicId, Seq);

public sealed record TopicUpdatedEvent(string TopicId, long Seq, Topic Topic) : TopicEvent(TopicId, Seq);

/// <summary>A live update was posted (PROTOCOL.md v3 "Live updates").</summary>
public sealed record UpdatePostedEvent(string TopicId, long Seq, Update Update) : TopicEvent(TopicId, Seq);

/// <summary>A live update was corrected, pinned or unpinned, or lost its quote (the quoted reply was removed).</summary>
public sealed record UpdateEditedEvent(string TopicId, long Seq, Update Update) : TopicEvent(TopicId, Seq);

public sealed record UpdateRemovedEvent(string TopicId, long Seq, string UpdateId) : TopicEvent(TopicId, Seq);

/// <summary>Not logged and without seq: presence is a live hint, not history.</summary>
public sealed record PresenceChangedEvent(string TopicId, int Watchers);

/// <summary>
/// Not logged and without seq: the topic's last seq now, so a watcher that missed events (a backplane outage, a
/// failed publish) notices even when nothing else happens in the topic, and re-watches from its last applied seq.
/// </summary>
public sealed record TopicSeqEvent(string TopicId, long LastSeq);

public sealed record WatchResult(string TopicId, long LastSeq, int Watchers, bool Reset, IReadOnlyList<TopicEvent> Missed);
