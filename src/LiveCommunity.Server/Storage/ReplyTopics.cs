using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// Which topic a reply belongs to, so a write by reply id (edit, remove, react) can queue behind its topic.
/// A reply never moves, so the answer is cached (bounded); unknown ids are not cached.
/// </summary>
public sealed class ReplyTopics : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public async Task<string?> TopicOfAsync(CommunityDb db, string replyId, CancellationToken ct)
    {
        if (_cache.TryGetValue(replyId, out string? topicId))
        {
            return topicId;
        }
        topicId = await db.Replies.AsNoTracking().Where(r => r.Id == replyId).Select(r => r.TopicId).FirstOrDefaultAsync(ct);
        if (topicId is not null)
        {
            _cache.Set(replyId, topicId, new MemoryCacheEntryOptions { Size = 1 });
        }
        return topicId;
    }

    public void Dispose() => _cache.Dispose();
}
