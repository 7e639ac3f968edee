using Microsoft.AspNetCore.Http.Features;

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

    /// <summary>
    /// False for a websocket upgrade: the request that becomes a hub connection and stays in the pipeline for the
    /// connection's life. Middleware that only shapes HTTP answers (problem details for errors and empty statuses)
    /// is skipped for it with <c>UseWhen</c>, so it keeps no frame per connection; a browser cannot read the body of
    /// a refused upgrade anyway.
    /// </summary>
    public static bool AnswersOverHttp(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true }
        || !context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);
}
