using System.Text;
using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Auth;

public sealed record DevTokenRequest(string? Name, string? Role, string? UserId, string? Badge = null, string? Email = null);
public sealed record DevTokenResponse(string Token, string UserId);

/// <summary>
/// POST /api/dev/token: a stand-in for the host site's sign-in, so the demo page and curl can get tokens.
/// Mapped only where Auth:DevTokens is on (default: Development only).
/// </summary>
public static class DevTokenApi
{
    public static bool DevTokensEnabled(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokensEnabledIn(app.Environment);

    public static RouteGroupBuilder MapDevTokens(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/dev").WithTags("Development");
        group.MapPost("/token", Issue);
        return group;
    }

    private static Results<Ok<DevTokenResponse>, ProblemHttpResult> Issue(DevTokenRequest? request, TokenIssuer issuer)
    {
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(char.IsControl))
        {
            return Rejection.Invalid("name", "must be 1 to 100 characters without control characters").ToProblem();
        }
        var role = request!.Role?.Trim().ToLowerInvariant() ?? Roles.Member;
        if (role is not (Roles.Member or Roles.Moderator or Roles.Admin or Roles.Journalist or Roles.Publisher))
        {
            return Rejection.Invalid("role", "must be member, moderator, admin, journalist or publisher").ToProblem();
        }
        var userId = string.IsNullOrWhiteSpace(request.UserId) ? "dev-" + Slug(name) : request.UserId.Trim();
        if (userId.Length > 100 || userId.Any(char.IsControl))
        {
            return Rejection.Invalid("userId", "must be at most 100 characters without control characters").ToProblem();
        }
        // The same rule as for a host site's tokens (TokenClaimsException), told here as a 400 instead of a later 401.
        var badge = string.IsNullOrWhiteSpace(request.Badge) ? null : request.Badge.Trim();
        if (badge is not null && (badge.Length > Author.MaxBadgeLength || badge.Any(char.IsControl)))
        {
            return Rejection.Invalid("badge", $"must be at most {Author.MaxBadgeLength} characters without control characters").ToProblem();
        }
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null && !TokenClaimsException.IsPlausibleEmail(email))
        {
            return Rejection.Invalid("email", $"must be one address (local@domain) of at most {TokenClaimsException.MaxEmailLength} characters").ToProblem();
        }
        return TypedResults.Ok(new DevTokenResponse(issuer.Issue(userId, name, role, badge, email), userId));
    }

    // The same name gives the same user, so signing in as "Ann" twice is the same person.
    private static string Slug(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }
        return slug.ToString().Trim('-') is { Length: > 0 } s ? s : Convert.ToHexString(Encoding.UTF8.GetBytes(name)).ToLowerInvariant();
    }
}
