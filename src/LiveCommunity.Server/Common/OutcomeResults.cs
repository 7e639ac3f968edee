using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Common;

public static class OutcomeResults
{
    /// <summary>The success result, or the rejection as problem details with its status.</summary>
    public static Results<TResult, ProblemHttpResult> ToHttp<T, TResult>(this Outcome<T> outcome, Func<T, TResult> success)
        where TResult : IResult =>
        outcome.Rejection is { } rejection ? rejection.ToProblem() : success(outcome.Value!);
}
