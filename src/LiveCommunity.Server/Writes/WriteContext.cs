using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes.Internal;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Writes;

/// <summary>
/// What a command sees while it runs: the batch's transaction (through <see cref="Db"/>), the locked topic
/// row, the clock of the batch, and the ways to add events, moderation-log entries and after-commit work.
/// Everything added here is undone if the command refuses or fails.
/// </summary>
public sealed class WriteContext
{
    private readonly Batch _batch;

    internal WriteContext(Batch batch, Caller? writer)
    {
        _batch = batch;
        Writer = writer;
    }

    /// <summary>The batch's unit of work; changes are saved after the command returns. Never begin or commit here.</summary>
    public CommunityDb Db => _batch.Db;

    /// <summary>The batch's time (whole microseconds, as PostgreSQL stores it).</summary>
    public DateTime Now => _batch.Now;

    public Caller? Writer { get; }

    /// <summary>
    /// The topic row, locked for the whole batch (untracked: change <c>LastSeq</c>-independent fields such as
    /// <c>Locked</c>, <c>Premoderated</c> and <c>ReplyCount</c> here and the batch stores them once).
    /// Null when the command names no topic or the topic does not exist.
    /// </summary>
    public TopicEntity? Topic => _batch.Topic;

    /// <summary>
    /// The commands of this batch (this one among them), in the order they run: a command may look at its own
    /// kind among them to do in one query what each would otherwise do alone (see <see cref="Shared{T}"/>).
    /// </summary>
    public IReadOnlyList<object> BatchCommands => _batch.Commands;

    /// <summary>One object of type <typeparamref name="T"/> for the whole batch, made by the first command that asks.</summary>
    public T Shared<T>(Func<T> create) where T : class => _batch.Shared(create);

    /// <summary>
    /// Runs if this command is taken back (refused, or failed while saving): for what it put in a
    /// <see cref="Shared{T}"/> object, which no savepoint rolls back.
    /// </summary>
    public void OnUndo(Action undo) => _batch.OnUndo(undo);

    /// <summary>Whether any webhook was registered when the batch began; write outbox rows only then.</summary>
    public bool WebhooksListening => _batch.WebhooksListening;

    /// <summary>
    /// The part of type <typeparamref name="T"/> that a participant (<see cref="IBatchParticipant"/>) began for this
    /// batch: state many commands change and the batch stores once. Its feature offers it under a better name.
    /// </summary>
    public T Part<T>() where T : class => _batch.Part<T>();

    /// <summary>Takes the topic's next seq and logs the event it makes; it is published after the commit.</summary>
    public TEvent Append<TEvent>(Func<long, TEvent> create) where TEvent : TopicEvent => _batch.Append(create);

    /// <summary>
    /// A webhook event with no topic event behind it (<c>reply.held</c>, <c>report.created</c>, <c>queue.decided</c>,
    /// <c>user.banned</c>): written to the outbox in this transaction when a webhook is registered.
    /// </summary>
    public void Webhook(string type, object data) => _batch.Webhook(type, data);

    /// <summary>A moderation-log entry in the same transaction; the metric and log line follow the commit.</summary>
    public void Audit(Caller moderator, string action, string targetId, string? reason = null) =>
        _batch.Audit(moderator, action, targetId, reason);

    /// <summary>Work to do once the batch has committed (live notifications that carry no seq).</summary>
    public void AfterCommit(Action action) => _batch.AfterCommit(action);

    /// <summary>
    /// The start of every command on one reply: the reply with that id in this batch's topic, tracked for change,
    /// or null (the command answers <see cref="ReplyNotFound"/>) when the topic or the reply does not exist.
    /// </summary>
    public async Task<ReplyEntity?> ReplyAsync(string replyId, CancellationToken ct) =>
        Topic is { } topic ? await Db.Replies.FirstOrDefaultAsync(r => r.Id == replyId && r.TopicId == topic.Id, ct) : null;

    public static Rejection ReplyNotFound => Rejection.NotFound("reply not found");
}
