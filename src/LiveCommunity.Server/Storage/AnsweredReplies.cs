using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// The reply an answer names: its topic and state for the answer's checks, its author and whether that author
/// muted the one answering for the notification.
/// </summary>
public sealed record AnsweredReply(string TopicId, ReplyState State, string AuthorId, bool Muted);

/// <summary>
/// Reads <see cref="AnsweredReply"/> by key, compiled once: every answer on a busy thread runs it inside its
/// topic's batch, where building the query each time cost more than the read (profiled, bench/findings.md).
/// </summary>
public static class AnsweredReplies
{
    public static Task<AnsweredReply?> FindAsync(CommunityDb db, string replyId, string answererId, CancellationToken ct) =>
        Query.For(db)(db, replyId, answererId).WaitAsync(ct);

    private static readonly CompiledQuery<Func<CommunityDb, string, string, Task<AnsweredReply?>>> Query = new(() => EF.CompileAsyncQuery(
        (CommunityDb db, string replyId, string answererId) => db.Replies.AsNoTracking()
            .Where(r => r.Id == replyId)
            .Select(r => new AnsweredReply(r.TopicId, r.State, r.AuthorId, db.Mutes.Any(m => m.UserId == r.AuthorId && m.MutedUserId == answererId)))
            .FirstOrDefault()));
}
