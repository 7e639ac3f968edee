using System.Linq.Expressions;
using System.Numerics;
using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Replies;

/// <summary>
/// The duplicate check (same author, topic and text within <c>Limits:DuplicateReplyWindow</c>) for every new
/// reply of one batch: one query for all of them, by the (author, topic, text hash, time) index, instead of one
/// per reply. On a hot topic the batch is the unit of work and its commands run one after another, so a query per
/// reply was the largest cost each reply added to the topic's serial path. Replies the batch takes are added as
/// they are taken (and taken back with their command), so two copies in one batch are caught too.
/// </summary>
internal sealed class RecentReplies
{
    private readonly HashSet<(string AuthorId, long Hash, string Body)> _taken = [];
    private readonly HashSet<(string AuthorId, long Hash)> _searched = [];

    public async Task<bool> ContainsAsync(WriteContext write, PostReplyCommand post, TimeSpan window, CancellationToken ct)
    {
        if (!_searched.Contains((post.AuthorId, post.BodyHash)))
        {
            // The first to ask searches for the whole batch; a post the batch did not list (one another command
            // wraps) searches for itself.
            var batch = _searched.Count == 0 ? write.BatchCommands.OfType<PostReplyCommand>() : [];
            var pairs = batch.Append(post).Select(p => (p.AuthorId, p.BodyHash)).Distinct().ToList();
            await LoadAsync(write, post.TopicId, pairs, write.Now - window, ct);
            _searched.UnionWith(pairs);
        }
        return _taken.Contains((post.AuthorId, post.BodyHash, post.Body));
    }

    /// <summary>A reply this batch takes (published or held): later copies in the batch are duplicates of it.</summary>
    public void Add(WriteContext write, PostReplyCommand post)
    {
        var key = (post.AuthorId, post.BodyHash, post.Body);
        if (_taken.Add(key))
        {
            write.OnUndo(() => _taken.Remove(key));
        }
    }

    private async Task LoadAsync(WriteContext write, string topicId, List<(string AuthorId, long BodyHash)> pairs, DateTime since,
        CancellationToken ct)
    {
        // Bounded by the batch: only rows of its (author, text hash) pairs in the window, read by the index.
        var rows = await write.Db.Replies.AsNoTracking()
            .Where(AnyOf(pairs, topicId, since))
            .Where(r => r.State != ReplyState.Removed)
            .Select(r => new { r.AuthorId, r.BodyHash, r.Body })
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            _taken.Add((row.AuthorId, row.BodyHash, row.Body));
        }
    }

    /// <summary>
    /// <c>(AuthorId = a1 AND TopicId = t AND BodyHash = h1 AND CreatedAt >= s) OR (…a2…h2…) …</c>: one search of the
    /// (author, topic, hash, time) index per pair on both databases; each term names every column of the index so
    /// that each is a complete search on its own (SQLite plans an OR term by term). Not
    /// <c>AuthorId IN (…) AND BodyHash IN (…)</c>: SQLite searches every combination of the two lists, the square of
    /// the batch (65,536 searches for a full batch of 256), and each search is deeper as the table grows. The list is padded to a power of two (repeating its last pair) so that EF keeps at most nine
    /// query shapes; the values go in as parameters.
    /// </summary>
    private static Expression<Func<ReplyEntity, bool>> AnyOf(List<(string AuthorId, long BodyHash)> pairs, string topicId, DateTime since)
    {
        var padded = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, pairs.Count));
        var reply = Expression.Parameter(typeof(ReplyEntity), "r");
        var topic = Parameter(topicId);
        var from = Parameter(since);
        Expression? any = null;
        for (var i = 0; i < padded; i++)
        {
            var (authorId, bodyHash) = pairs[Math.Min(i, pairs.Count - 1)];
            var match = Expression.AndAlso(
                Expression.AndAlso(
                    Expression.Equal(Expression.Property(reply, nameof(ReplyEntity.AuthorId)), Parameter(authorId)),
                    Expression.Equal(Expression.Property(reply, nameof(ReplyEntity.TopicId)), topic)),
                Expression.AndAlso(
                    Expression.Equal(Expression.Property(reply, nameof(ReplyEntity.BodyHash)), Parameter(bodyHash)),
                    Expression.GreaterThanOrEqual(Expression.Property(reply, nameof(ReplyEntity.CreatedAt)), from)));
            any = any is null ? match : Expression.OrElse(any, match);
        }
        return Expression.Lambda<Func<ReplyEntity, bool>>(any!, reply);
    }

    // A member of a captured object, as a C# closure would make it: EF sends it as a parameter, not a literal.
    private static MemberExpression Parameter<T>(T value) =>
        Expression.Field(Expression.Constant(new Captured<T>(value)), nameof(Captured<T>.Value));

    private sealed class Captured<T>(T value)
    {
        public readonly T Value = value;
    }
}
