namespace LiveCommunity.Server.Writes;

/// <summary>
/// A housekeeping write run every <paramref name="interval"/> (pruning, sweeps). A write like any other, so on
/// SQLite it takes its turn with the batches instead of contending; a failed round is reported and the next
/// one tries again.
/// </summary>
public abstract class PeriodicWrite(TopicWriter writer, TimeSpan interval, TimeProvider time) : BackgroundService
{
    /// <summary>The round's command: answers how many rows it dealt with.</summary>
    protected abstract WriteCommand<int> Round();

    protected abstract void Done(int count);

    protected abstract void Failed(Exception ex);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var done = await writer.WriteAsync(Round(), stoppingToken);
                if (done.Rejection is null)
                {
                    Done(done.Value);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Failed(ex);
            }
        }
    }
}
