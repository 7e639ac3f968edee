using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// What the update commands share. <see cref="FindAsync"/>: the update with that id in the batch's topic, tracked for
/// change, or null (answered <see cref="UpdateService.UpdateNotFound"/>). <see cref="ChangeCountAsync"/>:
/// Topic.updateCount, kept in step by the command that posts or deletes an update. The batch stores only the topic
/// columns it owns, so the count is its own statement, inside the command's savepoint; the batch's copy of the
/// topic follows it (and is put back if the command is taken back) for what the same batch reads of it later.
/// </summary>
internal static class UpdateRows
{
    public static async Task<UpdateEntity?> FindAsync(WriteContext write, string updateId, CancellationToken ct) =>
        write.Topic is { } topic ? await write.Db.Updates.FirstOrDefaultAsync(u => u.Id == updateId && u.TopicId == topic.Id, ct) : null;

    public static async Task ChangeCountAsync(WriteContext write, TopicEntity topic, int delta, CancellationToken ct)
    {
        await write.Db.Topics.Where(t => t.Id == topic.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UpdateCount, t => t.UpdateCount + delta), ct);
        topic.UpdateCount += delta;
        write.OnUndo(() => topic.UpdateCount -= delta);
    }
}
