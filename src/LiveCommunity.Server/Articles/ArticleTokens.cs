using LiveCommunity.Server.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LiveCommunity.Server.Articles;

/// <summary>An article the host site signed for lazy creation from its page.</summary>
public sealed record ArticleClaims(string ArticleId, string? Title, string? Url);

/// <summary>
/// Reads article tokens (PROTOCOL.md v3): HS256 with the same key and checks as sign-in tokens, claims
/// <c>article_id</c>, <c>article_title</c>, <c>article_url</c>. A token with a <c>sub</c> is a user's token and
/// never an article token; the other way round, an article token has no <c>sub</c>/<c>name</c>, so the bearer
/// scheme refuses it as a sign-in everywhere.
/// </summary>
public sealed class ArticleTokens(IOptionsMonitor<JwtBearerOptions> bearer)
{
    public const string ArticleIdClaim = "article_id";
    public const string TitleClaim = "article_title";
    public const string UrlClaim = "article_url";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token's article, or null when the token is not a valid, unexpired article token.</summary>
    public async Task<ArticleClaims?> ReadAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 8_192)
        {
            return null;
        }
        var parameters = bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.ClaimsIdentity.FindFirst(TokenClaims.Subject) is not null)
        {
            return null;
        }
        var id = result.ClaimsIdentity.FindFirst(ArticleIdClaim)?.Value;
        return id is null ? null : new ArticleClaims(id, result.ClaimsIdentity.FindFirst(TitleClaim)?.Value, result.ClaimsIdentity.FindFirst(UrlClaim)?.Value);
    }
}
