using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveCommunity.Server.Auth;

/// <summary>Mints tokens the way a host site would; used only by the development token route.</summary>
public sealed class TokenIssuer(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(string userId, string name, string role, string? badge = null, string? email = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var identity = new ClaimsIdentity([
            new Claim(TokenClaims.Subject, userId),
            new Claim(TokenClaims.Name, name),
            new Claim(TokenClaims.Role, role),
        ]);
        if (badge is not null)
        {
            identity.AddClaim(new Claim(TokenClaims.Badge, badge));
        }
        if (email is not null)
        {
            identity.AddClaim(new Claim(TokenClaims.Email, email));
        }
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = identity,
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.DevTokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
