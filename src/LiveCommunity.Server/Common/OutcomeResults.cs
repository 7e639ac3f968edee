using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Common;

public static class OutcomeResults
{
    /// <summary>The success result, or the rejection as problem details with its status.</summary>
    public static Results<TResult, ProblemHttpResult> ToHttp<T, TResult>(this Outcome<T> outcome, Func<T, TResult> success)
        where TResult : IResult =>
        outcome.Rejection is { } rejection ? rejection.ToProblem() : success(outcome.Value!);
}

public static class ProblemMetadata
{
    /// <summary>Declares the problem-details answers a route can give, for the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }
        return builder;
    }
}
