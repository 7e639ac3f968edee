using System.Security.Claims;

namespace LiveCommunity.Server.Auth;

/// <summary>The signed-in user behind a request or hub call, read from verified token claims.</summary>
public sealed record Caller(string Id, string Name, string Role)
{
    public bool IsModerator => Role is Roles.Moderator or Roles.Admin;

    /// <summary>The optional <c>badge</c> claim, trimmed; null when absent or blank (checked by TokenClaimsException).</summary>
    public string? Badge { get; init; }

    /// <summary>
    /// The optional <c>email</c> claim, trimmed; null when absent or blank (checked by TokenClaimsException). Only the
    /// notification mailer uses it (Notifications/Email).
    /// </summary>
    public string? Email { get; init; }

    public static Caller? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        var id = principal.FindFirstValue(TokenClaims.Subject);
        var name = principal.FindFirstValue(TokenClaims.Name);
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var badge = principal.FindFirstValue(TokenClaims.Badge)?.Trim();
        var email = principal.FindFirstValue(TokenClaims.Email)?.Trim();
        return new Caller(id, name, Roles.Normalize(principal.FindFirstValue(TokenClaims.Role)))
        {
            Badge = string.IsNullOrEmpty(badge) ? null : badge,
            Email = string.IsNullOrEmpty(email) ? null : email,
        };
    }
}

public static class TokenClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string Badge = "badge";
    public const string Email = "email";
}
