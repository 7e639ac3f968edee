using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Delivery;
using LiveCommunity.Server.Moderation;
using LiveCommunity.Server.Protocol;
using LiveCommunity.Server.Writes;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// Deletes a live update: the row goes, every logged event of it becomes an UpdateRemoved of the same seq (replay
/// never sends its text again), and watchers get UpdateRemoved. Deleting another's update is logged for moderators.
/// </summary>
internal sealed class RemoveUpdateCommand(Caller caller, string topicId, string updateId)
    : WriteCommand<bool>
{
    public override string TopicId => topicId;

    public override Caller? Writer => caller;

    public override async Task<Outcome<bool>> ExecuteAsync(WriteContext write, CancellationToken ct)
    {
        if (await UpdateRows.FindAsync(write, updateId, ct) is not { } update || write.Topic is not { } topic)
        {
            return UpdateService.UpdateNotFound;
        }
        write.Db.Updates.Remove(update);
        await UpdateRows.ChangeCountAsync(write, topic, -1, ct);
        await EventLog.ScrubUpdateAsync(write.Db, topic.Id, update.Id, ct);
        write.Append(seq => new UpdateRemovedEvent(topic.Id, seq, update.Id));
        if (update.AuthorId != caller.Id)
        {
            write.Audit(caller, ModerationActions.Remove, update.Id);
        }
        return true;
    }
}
