using System.Globalization;
using LiveCommunity.Server.Common;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>The orders of a reply list (?order=): by seq either way, or by score (PROTOCOL.md v3).</summary>
public enum ReplyOrder
{
    Oldest,
    Newest,
    Top,
}

/// <summary>
/// Where a page of a list begins: after the reply with this seq (oldest, newest) or, in top order, after the
/// reply with this (score, seq) in a walk that began when the topic's lastSeq was <see cref="Since"/>.
/// </summary>
public readonly record struct ReplyPosition(long Seq, long Score = 0, long Since = 0)
{
    /// <summary>The cursor of this position: a seq alone, or "since.score.seq" for top order.</summary>
    public string Encode(ReplyOrder order) => order == ReplyOrder.Top
        ? Cursor.Encode(string.Join('.', Since.ToString(CultureInfo.InvariantCulture), Score.ToString(CultureInfo.InvariantCulture), Seq.ToString(CultureInfo.InvariantCulture)))
        : Cursor.EncodeNumber(Seq);

    /// <summary>Only the one spelling <see cref="Encode"/> gives decodes, so caches keyed by the cursor cannot be multiplied.</summary>
    public static bool TryDecode(ReplyOrder order, string cursor, out ReplyPosition position)
    {
        position = default;
        if (order != ReplyOrder.Top)
        {
            var ok = Cursor.TryDecodeNumber(cursor, out var seq);
            position = new ReplyPosition(seq);
            return ok;
        }
        var parts = Cursor.TryDecode(cursor, out var text) ? text.Split('.') : [];
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var since)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var score)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var at))
        {
            return false;
        }
        position = new ReplyPosition(at, score, since);
        return position.Encode(order) == cursor;
    }
}

/// <summary>
/// The queries of a reply page, each one or two short ranges of an index whatever the topic's size: (TopicId,
/// Seq) for oldest and newest, IX_Replies_Top / IX_Replies_FeaturedTop (TopicId, Score DESC, Seq) for top.
/// </summary>
internal static class ReplyPageQuery
{
    /// <summary>
    /// Whether this server could have issued the position: its reply is in the topic (removed since or not; reply
    /// rows are never deleted) and, in top order, was listed with that score, unless its score changed since the
    /// walk began, in a walk that began no later than now. A made-up position costs one indexed lookup, never a page. A featured page's cursor may name a
    /// reply unfeatured since: any reply of the topic will do.
    /// </summary>
    public static Task<bool> IssuedAsync(CommunityDb db, string topicId, ReplyOrder order, ReplyPosition at, CancellationToken ct) =>
        order == ReplyOrder.Top
            ? db.Replies.AsNoTracking().AnyAsync(r => r.TopicId == topicId && r.Seq == at.Seq
                && r.Seq <= at.Since && (r.ScoreSeq > at.Since || r.Score == at.Score)
                && db.Topics.Any(t => t.Id == topicId && t.LastSeq >= at.Since), ct)
            : db.Replies.AsNoTracking().AnyAsync(r => r.TopicId == topicId && r.Seq == at.Seq, ct);

    /// <summary>Up to <paramref name="take"/> published replies after <paramref name="after"/> in the order.</summary>
    public static async Task<List<ReplyEntity>> ReadAsync(
        CommunityDb db, string topicId, ReplyOrder order, bool featured, int take, ReplyPosition? after, CancellationToken ct)
    {
        var query = db.Replies.AsNoTracking().Where(r => r.TopicId == topicId && r.State == ReplyState.Published);
        if (featured)
        {
            query = query.Where(r => r.Featured); // a partial index of featured replies: as cheap in a huge topic as in a small one
        }
        if (order == ReplyOrder.Top)
        {
            return await TopAsync(query, take, after, ct);
        }
        if (after is { } a)
        {
            query = order == ReplyOrder.Newest ? query.Where(r => r.Seq < a.Seq) : query.Where(r => r.Seq > a.Seq);
        }
        query = order == ReplyOrder.Newest ? query.OrderByDescending(r => r.Seq) : query.OrderBy(r => r.Seq);
        return await query.Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// Top order, at most once per walk. After the first page, only replies whose place cannot have moved since
    /// the walk began (lastSeq S, in the cursor) are listed: posted by S, and whose score last changed by S
    /// (ScoreSeq is the topic's next seq at the change, so any change committed after page one read S is above
    /// it). For those the (score, seq) keyset is exact; the rest may be skipped by this walk, never repeated.
    /// The keyset is read as two ranges (the rest of the cursor's score, then lower scores), each a seek of
    /// the index rather than a scan from the top of the topic.
    /// </summary>
    private static async Task<List<ReplyEntity>> TopAsync(IQueryable<ReplyEntity> query, int take, ReplyPosition? after, CancellationToken ct)
    {
        if (after is not { } a)
        {
            return await query.OrderByDescending(r => r.Score).ThenBy(r => r.Seq).Take(take).ToListAsync(ct);
        }
        var settled = query.Where(r => r.Seq <= a.Since && r.ScoreSeq <= a.Since);
        var rows = await settled.Where(r => r.Score == a.Score && r.Seq > a.Seq).OrderBy(r => r.Seq).Take(take).ToListAsync(ct);
        if (rows.Count < take)
        {
            rows.AddRange(await settled.Where(r => r.Score < a.Score)
                .OrderByDescending(r => r.Score).ThenBy(r => r.Seq).Take(take - rows.Count).ToListAsync(ct));
        }
        return rows;
    }
}
