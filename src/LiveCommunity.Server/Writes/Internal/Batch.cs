using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Reactions;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// The state of one batch transaction: the locked topic, the seqs taken, the events, audit entries and
/// after-commit work its commands added. <see cref="Mark"/>/<see cref="Undo"/> take back what one refused
/// command added, so its neighbours keep theirs.
/// </summary>
internal sealed class Batch(CommunityDb db, DateTime now, TopicEntity? topic, ReactionCounts counts, bool webhooksListening,
    IReadOnlyList<object> commands)
{
    private readonly Dictionary<Type, object> _shared = [];
    private readonly List<Action> _undo = [];
    private readonly List<TopicEvent> _events = [];
    private readonly List<(Caller Moderator, string Action, string TargetId)> _audits = [];
    private readonly List<Action> _afterCommit = [];
    private readonly List<string> _owedReactionEvents = [];

    public CommunityDb Db { get; } = db;
    public DateTime Now { get; } = now;
    public TopicEntity? Topic { get; } = topic;
    public ReactionTally Reactions { get; } = new(db, counts);

    /// <summary>Whether any webhook was registered when the batch began: without one, no outbox row is written.</summary>
    public bool WebhooksListening { get; } = webhooksListening;

    /// <summary>Every command of the batch, in the order they run.</summary>
    public IReadOnlyList<object> Commands { get; } = commands;

    public IReadOnlyList<TopicEvent> Events => _events;
    public IReadOnlyList<(Caller Moderator, string Action, string TargetId)> Audits => _audits;
    public IReadOnlyList<Action> AfterCommitActions => _afterCommit;
    public IReadOnlyList<string> OwedReactionEvents => _owedReactionEvents;

    public TEvent Append<TEvent>(Func<long, TEvent> create) where TEvent : TopicEvent
    {
        var topic = Topic ?? throw new InvalidOperationException("an event needs an existing topic");
        var evt = create(topic.LastSeq + 1);
        if (evt.Seq != topic.LastSeq + 1 || evt.TopicId != topic.Id)
        {
            throw new InvalidOperationException($"event {evt.TopicId}/{evt.Seq} is not the topic's next event");
        }
        topic.LastSeq = evt.Seq;
        if (TopicEventPublisher.IsUpdateEvent(evt))
        {
            topic.LastUpdateSeq = evt.Seq;
        }
        Db.TopicEvents.Add(EventLog.ToEntity(evt, Now));
        if (WebhooksListening && Webhooks.WebhookEvents.From(evt, topic, Now) is { } outbox)
        {
            Db.WebhookOutbox.Add(outbox); // same transaction: webhooks hear of exactly what committed
        }
        _events.Add(evt);
        return evt;
    }

    /// <summary>A webhook event that is no topic event (held, reported, decided, banned): an outbox row, when anyone listens.</summary>
    public void Webhook(string type, object data)
    {
        if (WebhooksListening)
        {
            Db.WebhookOutbox.Add(Webhooks.WebhookEvents.Row(type, Now, data)); // undone with the command's savepoint
        }
    }

    public void Audit(Caller moderator, string action, string targetId, string? reason)
    {
        Db.ModerationLog.Add(new ModerationEntryEntity
        {
            Id = Ids.NewEntryId(),
            At = Now,
            ModeratorId = moderator.Id,
            ModeratorName = moderator.Name,
            Action = action,
            TargetId = targetId,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason,
        });
        _audits.Add((moderator, action, targetId));
    }

    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>A reaction target whose event this batch stored as owed (after every command ran, never undone).</summary>
    public void OweReactionEvent(string targetId) => _owedReactionEvents.Add(targetId);

    /// <summary>One object of type <typeparamref name="T"/> per batch, made on first use.</summary>
    public T Shared<T>(Func<T> create) where T : class
    {
        if (!_shared.TryGetValue(typeof(T), out var shared))
        {
            _shared[typeof(T)] = shared = create();
        }
        return (T)shared;
    }

    /// <summary>Runs if the command now running is taken back, newest first.</summary>
    public void OnUndo(Action undo) => _undo.Add(undo);

    public Mark Mark() => new(
        _undo.Count, _events.Count, _audits.Count, _afterCommit.Count, Reactions.Mark(),
        Topic?.LastSeq ?? 0, Topic?.LastUpdateSeq ?? 0, Topic?.ReplyCount ?? 0, Topic?.Locked ?? false, Topic?.Premoderated ?? false);

    public void Undo(Mark mark)
    {
        for (var i = _undo.Count - 1; i >= mark.Undo; i--)
        {
            _undo[i]();
        }
        _undo.RemoveRange(mark.Undo, _undo.Count - mark.Undo);
        _events.RemoveRange(mark.Events, _events.Count - mark.Events);
        _audits.RemoveRange(mark.Audits, _audits.Count - mark.Audits);
        _afterCommit.RemoveRange(mark.AfterCommit, _afterCommit.Count - mark.AfterCommit);
        Reactions.Undo(mark.Reactions);
        if (Topic is { } topic)
        {
            (topic.LastSeq, topic.LastUpdateSeq, topic.ReplyCount, topic.Locked, topic.Premoderated) =
                (mark.LastSeq, mark.LastUpdateSeq, mark.ReplyCount, mark.Locked, mark.Premoderated);
        }
    }
}

/// <summary>Where a batch stood before one command ran.</summary>
internal readonly record struct Mark(
    int Undo, int Events, int Audits, int AfterCommit, int Reactions, long LastSeq, long LastUpdateSeq, int ReplyCount, bool Locked, bool Premoderated);
