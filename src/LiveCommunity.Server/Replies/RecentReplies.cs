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
    private bool _loaded;

    public async Task<bool> ContainsAsync(WriteContext write, PostReplyCommand post, TimeSpan window, CancellationToken ct)
    {
        if (!_loaded)
        {
            await LoadAsync(write, post.TopicId, window, ct);
            _loaded = true;
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

    private async Task LoadAsync(WriteContext write, string topicId, TimeSpan window, CancellationToken ct)
    {
        var posts = write.BatchCommands.OfType<PostReplyCommand>().ToList();
        var authors = posts.Select(p => p.AuthorId).Distinct().ToList();
        var hashes = posts.Select(p => p.BodyHash).Distinct().ToList();
        var since = write.Now - window;
        // Bounded by the batch: only rows of its authors whose text hash matches one of its replies, in the window.
        var rows = await write.Db.Replies.AsNoTracking()
            .Where(r => authors.Contains(r.AuthorId) && r.TopicId == topicId && hashes.Contains(r.BodyHash) && r.CreatedAt >= since
                && r.State != ReplyState.Removed)
            .Select(r => new { r.AuthorId, r.BodyHash, r.Body })
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            _taken.Add((row.AuthorId, row.BodyHash, row.Body));
        }
    }
}
