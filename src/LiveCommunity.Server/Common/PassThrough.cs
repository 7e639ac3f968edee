namespace LiveCommunity.Server.Common;

/// <summary>
/// For middleware that does a step and then runs the rest of the pipeline: without an async frame of its own when
/// the step finished at once. A hub connection stays inside every middleware for its whole life, and an async
/// middleware keeps its state machine (100-200 bytes) per connection all along.
/// </summary>
public static class PassThrough
{
    /// <summary>Runs <paramref name="next"/> once <paramref name="step"/> has finished (at once if it already has).</summary>
    public static Task ThenNext(this Task step, HttpContext context, RequestDelegate next) =>
        step.IsCompletedSuccessfully ? next(context) : AwaitThenNextAsync(step, context, next);

    private static async Task AwaitThenNextAsync(Task step, HttpContext context, RequestDelegate next)
    {
        await step;
        await next(context);
    }
}
