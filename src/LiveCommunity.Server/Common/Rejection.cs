using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Why a command was refused. Services return it instead of throwing so that REST (problem details)
/// and the hub (HubException) report the same rule with the same words.
/// </summary>
public sealed record Rejection(int Status, string Title, string Detail, IDictionary<string, string[]>? Errors = null)
{
    /// <summary>For 429 and 503: when to try again (the Retry-After header, and the "retry in N s" of the detail).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static Rejection Invalid(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "Invalid input",
            string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")), errors);

    public static Rejection Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static Rejection SignInRequired(string detail) => new(StatusCodes.Status401Unauthorized, "Sign in required", detail);
    public static Rejection Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Not allowed", detail);
    public static Rejection NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
    public static Rejection Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>Storage could not take the write in time (PROTOCOL.md v2): 503, never 500; the client retries.</summary>
    public static Rejection Busy(TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, "Service busy", $"busy, retry in {RetryAfterSeconds(retryAfter)} s") { RetryAfter = retryAfter };

    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public const string RetryAfterExtension = "retryAfter";

    public ProblemHttpResult ToProblem()
    {
        var details = Errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails()
            : new HttpValidationProblemDetails(Errors);
        details.Status = Status;
        details.Title = Title;
        details.Detail = Detail;
        if (RetryAfter is { } retryAfter)
        {
            // ApiExtensions turns this into the Retry-After header when the problem is written.
            details.Extensions[RetryAfterExtension] = RetryAfterSeconds(retryAfter);
        }
        return TypedResults.Problem(details);
    }
}

/// <summary>Either the value a command produced or the reason it was refused.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Rejection? rejection) => (Value, Rejection) = (value, rejection);

    public T? Value { get; }
    public Rejection? Rejection { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Rejection rejection) => new(default, rejection);
}
