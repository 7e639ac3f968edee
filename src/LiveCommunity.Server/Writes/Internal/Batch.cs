using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;

namespace LiveCommunity.Server.Writes.Internal;

/// <summary>
/// The state of one batch transaction: the locked topic, the seqs taken, the events, audit entries and
/// after-commit work its commands added, and the parts of the participants (<see cref="IBatchParticipant"/>).
/// <see cref="Mark"/>/<see cref="Undo"/> take back what one refused command added, so its neighbours keep theirs.
/// </summary>
internal sealed class Batch(CommunityDb db, DateTime now, TopicEntity? topic, bool webhooksListening, IReadOnlyList<object> commands)
{
    private readonly Dictionary<Type, object> _shared = [];
    private readonly List<Action> _undo = [];
    private readonly List<TopicEvent> _events = [];
    private readonly List<(Caller Moderator, string Action, string TargetId)> _audits = [];
    private readonly List<Action> _afterCommit = [];
    private IBatchPart[] _parts = [];
    private WriteContext? _system; // the batch as the participants see it: made by Begin, used again to store

    public CommunityDb Db { get; } = db;
    public DateTime Now { get; } = now;
    public TopicEntity? Topic { get; } = topic;

    /// <summary>Whether any webhook was registered when the batch began: without one, no outbox row is written.</summary>
    public bool WebhooksListening { get; } = webhooksListening;

    /// <summary>Every command of the batch, in the order they run.</summary>
    public IReadOnlyList<object> Commands { get; } = commands;

    public IReadOnlyList<TopicEvent> Events => _events;
    public IReadOnlyList<(Caller Moderator, string Action, string TargetId)> Audits => _audits;
    public IReadOnlyList<Action> AfterCommitActions => _afterCommit;

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

    /// <summary>
    /// Begins the participants' parts for this batch, before any command runs. They see the batch as the system
    /// does (no writer): the same context they store with.
    /// </summary>
    public void Begin(IQueuePart[] queueParts)
    {
        var context = _system = new WriteContext(this, null);
        _parts = new IBatchPart[queueParts.Length];
        for (var i = 0; i < queueParts.Length; i++)
        {
            _parts[i] = queueParts[i].Begin(context);
        }
    }

    /// <summary>The participant's part of type <typeparamref name="T"/>; a linear look, as there are only a few.</summary>
    public T Part<T>() where T : class
    {
        foreach (var part in _parts)
        {
            if (part is T found)
            {
                return found;
            }
        }
        throw new InvalidOperationException($"no batch participant makes a {typeof(T).Name}");
    }

    /// <summary>After every command ran: each participant stores what the batch changed, in its transaction.</summary>
    public async Task StorePartsAsync(CancellationToken ct)
    {
        foreach (var part in _parts)
        {
            await part.StoreAsync(_system!, ct); // parts exist only after Begin, which made the context
        }
    }

    /// <summary>The batch was published at <paramref name="at"/>; called under its queue's lock.</summary>
    public void Published(long at)
    {
        foreach (var part in _parts)
        {
            part.Published(at);
        }
    }

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

    public Mark Mark()
    {
        foreach (var part in _parts)
        {
            part.Mark();
        }
        return new(_undo.Count, _events.Count, _audits.Count, _afterCommit.Count,
            Topic?.LastSeq ?? 0, Topic?.LastUpdateSeq ?? 0, Topic?.ReplyCount ?? 0, Topic?.Locked ?? false, Topic?.Premoderated ?? false);
    }

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
        foreach (var part in _parts)
        {
            part.Undo();
        }
        if (Topic is { } topic)
        {
            (topic.LastSeq, topic.LastUpdateSeq, topic.ReplyCount, topic.Locked, topic.Premoderated) =
                (mark.LastSeq, mark.LastUpdateSeq, mark.ReplyCount, mark.Locked, mark.Premoderated);
        }
    }
}

/// <summary>Where a batch stood before one command ran.</summary>
internal readonly record struct Mark(
    int Undo, int Events, int Audits, int AfterCommit, long LastSeq, long LastUpdateSeq, int ReplyCount, bool Locked, bool Premoderated);
