namespace LiveCommunity.Server.Common;

public static class IdChecks
{
    /// <summary>
    /// REST side of <see cref="Ids"/>: a route value or query parameter named like an id (topicId, replyId,
    /// userId, kind, cursor, ...) that is too long or holds control characters is a 400 before the route runs,
    /// so no handler looks it up, stores it or logs it. Runs after routing has picked the endpoint.
    /// </summary>
    public static IApplicationBuilder UseIdChecks(this IApplicationBuilder app) => app.Use((context, next) =>
        // Not async (see PassThrough).
        Problem(context) is { } rejection ? rejection.ToProblem().ExecuteAsync(context) : next(context));

    private static Rejection? Problem(HttpContext context)
    {
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (Ids.Problem(name, value as string) is { } problem)
            {
                return Rejection.Invalid(name, problem);
            }
        }
        foreach (var (name, values) in context.Request.Query)
        {
            foreach (var value in values)
            {
                // An empty query parameter means "not given", as the routes read it.
                if (!string.IsNullOrEmpty(value) && Ids.Problem(name, value) is { } problem)
                {
                    return Rejection.Invalid(name, problem);
                }
            }
        }
        return null;
    }
}
