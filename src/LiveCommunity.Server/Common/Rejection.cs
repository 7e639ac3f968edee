using Microsoft.AspNetCore.Http.HttpResults;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Why a command was refused. Services return it instead of throwing so that REST (problem details)
/// and the hub (HubException) report the same rule with the same words.
/// </summary>
public sealed record Rejection(int Status, string Title, string Detail, IDictionary<string, string[]>? Errors = null)
{
    public static Rejection Invalid(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "Invalid input",
            string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")), errors);

    public static Rejection Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static Rejection SignInRequired(string detail) => new(StatusCodes.Status401Unauthorized, "Sign in required", detail);
    public static Rejection Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Not allowed", detail);
    public static Rejection NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
    public static Rejection Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    public ProblemHttpResult ToProblem()
    {
        var details = Errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails()
            : new HttpValidationProblemDetails(Errors);
        details.Status = Status;
        details.Title = Title;
        details.Detail = Detail;
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
