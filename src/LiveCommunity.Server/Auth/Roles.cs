namespace LiveCommunity.Server.Auth;

public static class Roles
{
    public const string Member = "member";
    public const string Moderator = "moderator";
    public const string Admin = "admin";

    /// <summary>Newsroom staff (PROTOCOL.md v3): no removals or bans; their replies are never hidden by reports.</summary>
    public const string Journalist = "journalist";

    /// <summary>Roles whose replies speak for the site: reports never hide them automatically.</summary>
    public static bool IsStaff(string role) => role is Moderator or Admin or Journalist;

    /// <summary>An absent or unknown role is treated as member: a typo in a host site never grants power.</summary>
    public static string Normalize(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        Moderator => Moderator,
        Admin => Admin,
        Journalist => Journalist,
        _ => Member,
    };
}
