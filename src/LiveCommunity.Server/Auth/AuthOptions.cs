namespace LiveCommunity.Server.Auth;

public sealed class AuthOptions
{
    /// <summary>HS256 secret shared with the host site; at least 32 bytes of UTF-8.</summary>
    public string? SigningKey { get; set; }
    public string? Issuer { get; set; }
    public string? Audience { get; set; }
    /// <summary>Enables POST /api/dev/token; null means "only in Development".</summary>
    public bool? DevTokens { get; set; }

    /// <summary>Whether POST /api/dev/token exists: as configured, else only in Development.</summary>
    public bool DevTokensEnabledIn(IHostEnvironment environment) => DevTokens ?? environment.IsDevelopment();
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
