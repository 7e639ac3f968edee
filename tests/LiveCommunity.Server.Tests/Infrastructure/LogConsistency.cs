using System.Text.Json.Nodes;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// The rule of the write path, checked on what is stored: a topic's event log has every seq from 1 to its
/// lastSeq exactly once, and replaying the log gives exactly the rows (visible replies and their text, reply
/// count, lock, reaction counts). A change stored without its event, or an event without its change, fails it.
/// A reaction target whose event is recorded as owed (a PendingReactionEvents row: its coalescing window had not
/// ended) may be ahead of its log, unless <paramref name="nothingOwed"/>: then it fails too.
/// </summary>
public static class LogConsistency
{
    public static async Task AssertAsync(CommunityDb db, string topicId, bool nothingOwed = false)
    {
        var owed = await db.PendingReactionEvents.AsNoTracking().Where(p => p.TopicId == topicId).Select(p => p.TargetId).ToListAsync();
        Assert.True(!nothingOwed || owed.Count == 0, $"events still owed for {string.Join(", ", owed)}");
        var topic = await db.Topics.AsNoTracking().SingleAsync(t => t.Id == topicId);
        var events = await db.TopicEvents.AsNoTracking().Where(e => e.TopicId == topicId).OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal(Enumerable.Range(1, (int)topic.LastSeq).Select(i => (long)i), events.Select(e => e.Seq));

        var visible = new Dictionary<string, string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var locked = false;
        foreach (var e in events)
        {
            var data = e.Data is null ? null : JsonNode.Parse(e.Data)!.AsObject();
            switch (e.Type)
            {
                case "ReplyPosted" or "ReplyEdited" or "ReplyRestored":
                    var reply = data!["reply"]!;
                    visible[(string)reply["id"]!] = (string)reply["body"]!;
                    counts[(string)reply["id"]!] = Counts(reply["reactions"]!);
                    break;
                case "ReplyRemoved":
                    visible.Remove(e.ReplyId!);
                    break;
                case "ReactionsChanged":
                    counts[(string?)data!["replyId"] ?? topicId] = Counts(data!["reactions"]!);
                    break;
                case "TopicUpdated":
                    locked = (bool)data!["topic"]!["locked"]!;
                    counts[topicId] = Counts(data!["topic"]!["reactions"]!);
                    break;
            }
        }

        var rows = await db.Replies.AsNoTracking().Where(r => r.TopicId == topicId && r.State == ReplyState.Published)
            .Select(r => new { r.Id, r.Body }).ToListAsync();
        Assert.Equal(visible.OrderBy(v => v.Key).Select(v => (v.Key, v.Value)), rows.OrderBy(r => r.Id).Select(r => (r.Id, r.Body)));
        Assert.Equal(visible.Count, topic.ReplyCount);
        Assert.Equal(locked, topic.Locked);

        var targets = visible.Keys.Append(topicId).ToList();
        var stored = await db.ReactionCounts.AsNoTracking().Where(c => targets.Contains(c.TargetId)).ToListAsync();
        var reactions = await db.Reactions.AsNoTracking().Where(r => targets.Contains(r.TargetId))
            .GroupBy(r => new { r.TargetId, r.Kind }).Select(g => new { g.Key.TargetId, g.Key.Kind, Count = g.Count() }).ToListAsync();
        foreach (var target in targets)
        {
            var last = counts.GetValueOrDefault(target) ?? [];
            foreach (var kind in last.Keys.Union(stored.Where(c => c.TargetId == target).Select(c => c.Kind)))
            {
                var storedCount = stored.FirstOrDefault(c => c.TargetId == target && c.Kind == kind)?.Count ?? 0;
                var rowCount = reactions.FirstOrDefault(r => r.TargetId == target && r.Kind == kind)?.Count ?? 0;
                Assert.True(storedCount == rowCount, $"{target} {kind}: count {storedCount} but {rowCount} reaction rows");
                Assert.True(last.GetValueOrDefault(kind) == storedCount || owed.Contains(target),
                    $"{target} {kind}: the log's last word is {last.GetValueOrDefault(kind)} but {storedCount} is stored");
            }
        }
    }

    private static Dictionary<string, int> Counts(JsonNode reactions) =>
        reactions.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!, StringComparer.Ordinal);
}
