using System.Security.Claims;
using LiveCommunity.Server.Common;

namespace LiveCommunity.Server.Auth;

/// <summary>
/// A token whose signature is good but whose claims this server cannot use: no <c>sub</c> or <c>name</c>, or one (or a <c>badge</c>)
/// longer than the column it goes into, or with control characters. Its message is the 401's detail.
/// </summary>
public sealed class TokenClaimsException(string message) : Exception(message)
{
    /// <summary>Longest display name: the author-name columns hold 200 characters (Storage/CommunityDb.cs).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Null when the token's claims are fit to use; otherwise why not.</summary>
    public static TokenClaimsException? Check(ClaimsPrincipal? principal)
    {
        if (Caller.From(principal) is not { } caller)
        {
            return new TokenClaimsException("the token lacks the required 'sub' or 'name' claim");
        }
        if (caller.Id.Length > Ids.MaxUserIdLength || HasControlCharacters(caller.Id))
        {
            return new TokenClaimsException($"the token's 'sub' claim must be at most {Ids.MaxUserIdLength} characters without control characters");
        }
        if (caller.Name.Length > MaxNameLength || HasControlCharacters(caller.Name))
        {
            return new TokenClaimsException($"the token's 'name' claim must be at most {MaxNameLength} characters without control characters");
        }
        // Refused rather than cut or ignored: a host site that sends a bad badge learns it at once, and a label
        // that speaks for the site is never shown altered.
        if (caller.Badge is { } badge && (badge.Length > Author.MaxBadgeLength || HasControlCharacters(badge)))
        {
            return new TokenClaimsException($"the token's 'badge' claim must be at most {Author.MaxBadgeLength} characters without control characters");
        }
        // An address the mailer could not use is refused like a bad badge: the host site hears of it at once, instead
        // of the reader silently never getting mail.
        if (caller.Email is { } email && !IsPlausibleEmail(email))
        {
            return new TokenClaimsException(
                $"the token's 'email' claim must be one address (local@domain) of at most {MaxEmailLength} characters");
        }
        return null;
    }

    /// <summary>Longest address: RFC 5321's limit on a forward path (the EmailSettings column holds as much).</summary>
    public const int MaxEmailLength = 254;

    // Plausible, not RFC 5322 in full: one '@' with text on both sides, a dot in the domain, no spaces, control
    // characters, angle brackets or commas, which could turn one address into a header with several.
    internal static bool IsPlausibleEmail(string email)
    {
        var at = email.IndexOf('@');
        return email.Length <= MaxEmailLength && at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1
            && email.AsSpan(at + 1).Trim('.').Contains('.') && !email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"');
    }

    // Names and ids are one line of text: no newline or tab either.
    private static bool HasControlCharacters(string text) => text.Any(char.IsControl);
}
