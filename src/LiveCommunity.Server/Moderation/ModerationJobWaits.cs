using LiveCommunity.Server.Auth;
using LiveCommunity.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Moderation;

// Starting a job once per target and waiting for it with a bound: what erasure calls need to answer honestly.
public sealed partial class ModerationJobs
{
    /// <summary>
    /// The unfinished job of this kind for this target, or a new one (the caller then holds its lease), in the
    /// caller's transaction: repeating an erasure while the first one still runs waits for that one.
    /// </summary>
    public static async Task<(string Id, bool New)> FindOrAddAsync(
        CommunityDb db, string kind, string target, Caller moderator, string? reason, DateTime now, TimeSpan lease, CancellationToken ct)
    {
        var running = await db.ModerationJobs.AsNoTracking()
            .Where(j => j.Kind == kind && j.UserId == target && j.CompletedAt == null).Select(j => j.Id).FirstOrDefaultAsync(ct);
        if (running is not null)
        {
            return (running, false);
        }
        var job = NewJob(kind, target, moderator, reason, now, lease);
        db.ModerationJobs.Add(job);
        return (job.Id, true);
    }

    /// <summary>
    /// Waits up to <paramref name="within"/> for a job to complete, running it first when <paramref name="ours"/>
    /// (this instance holds its lease); a job of another instance, or one left by a failed run, is watched in the
    /// database. False when it is not complete yet: it goes on, and is finished even across a crash.
    /// </summary>
    public async Task<bool> WaitAsync(string jobId, bool ours, TimeSpan within, CancellationToken ct)
    {
        if (ours)
        {
            _ = RunAsync(jobId);
        }
        using var timeout = new CancellationTokenSource(within, time);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            while (!await IsCompletedAsync(jobId, bound.Token))
            {
                if (_running.TryGetValue(jobId, out var run))
                {
                    await run.WaitAsync(bound.Token);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, bound.Token);
                }
            }
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> IsCompletedAsync(string jobId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().ModerationJobs.AsNoTracking()
            .AnyAsync(j => j.Id == jobId && j.CompletedAt != null, ct);
    }
}
