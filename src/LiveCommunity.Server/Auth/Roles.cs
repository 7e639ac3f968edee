namespace LiveCommunity.Server.Auth;

public static class Roles
{
    public const string Member = "member";
    public const string Moderator = "moderator";
    public const string Admin = "admin";

    /// <summary>An absent or unknown role is treated as member: a typo in a host site never grants power.</summary>
    public static string Normalize(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        Moderator => Moderator,
        Admin => Admin,
        _ => Member,
    };
}
