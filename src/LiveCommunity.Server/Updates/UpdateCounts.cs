using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Updates;

/// <summary>
/// Topic.updateCount, kept in step by the command that posts or deletes an update. The batch stores only the topic
/// columns it owns, so the count is its own statement, inside the command's savepoint; the batch's copy of the
/// topic follows it (and is put back if the command is taken back) for what the same batch reads of it later.
/// </summary>
internal static class UpdateCounts
{
    public static async Task ChangeAsync(WriteContext write, TopicEntity topic, int delta, CancellationToken ct)
    {
        await write.Db.Topics.Where(t => t.Id == topic.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UpdateCount, t => t.UpdateCount + delta), ct);
        topic.UpdateCount += delta;
        write.OnUndo(() => topic.UpdateCount -= delta);
    }
}
