using LiveCommunity.Server.Storage;
using LiveCommunity.Server.Topics;
using LiveCommunity.Server.Writes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Articles;

/// <summary>
/// Closes topics whose <c>closesAt</c> has passed, through the write pipeline (<see cref="CloseTopicCommand"/>),
/// so watchers get <c>TopicUpdated</c> with <c>closed: true</c> within one <see cref="ClosingOptions.CloseSweepEvery"/>.
/// Replies are refused from <c>closesAt</c> on whether or not the sweep has run. Every instance sweeps; the
/// command closes a topic once, so a second instance finds nothing to do.
/// </summary>
internal sealed partial class CloseSweep(
    IServiceScopeFactory scopes, TopicWriter writer, TimeProvider time, IOptions<ClosingOptions> options, ILogger<CloseSweep> logger)
    : BackgroundService
{
    private const int PerRound = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CloseSweepEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>One round: the topics due now (at most <see cref="PerRound"/>; the next round takes the rest).</summary>
    internal async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<string> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            due = await db.Topics.AsNoTracking().Where(t => !t.Closed && t.ClosesAt != null && t.ClosesAt <= now)
                .OrderBy(t => t.ClosesAt).Select(t => t.Id).Take(PerRound).ToListAsync(ct);
        }
        var closed = 0;
        foreach (var topicId in due)
        {
            var result = await writer.WriteAsync(new CloseTopicCommand(topicId), ct);
            if (result.Value is not null)
            {
                closed++;
                LogClosed(logger, topicId);
            }
        }
        return closed;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Closed topic {TopicId}: its closing time has passed")]
    private static partial void LogClosed(ILogger logger, string topicId);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "The close sweep failed; it runs again next round")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
