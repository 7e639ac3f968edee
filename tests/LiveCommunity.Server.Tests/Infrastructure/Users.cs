using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveCommunity.Server.Tests.Infrastructure;

public sealed record UserIdentity(string Id, string Name, string Role, string Token);

/// <summary>Mints tokens the way a host site does: HS256 with the shared secret.</summary>
public static class Users
{
    private static int _counter;

    public static UserIdentity Make(string name, string role)
    {
        var id = $"{name.ToLowerInvariant().Replace(' ', '-')}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..(name.Length + 12)];
        return new UserIdentity(id, name, role, Token(new() { ["sub"] = id, ["name"] = name, ["role"] = role }));
    }

    public static string Token(Dictionary<string, object> claims, DateTime? expires = null, string key = AppFactory.SigningKey)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = expires is { } e && e < now ? e.AddHours(-1) : now,
            NotBefore = expires is { } e2 && e2 < now ? e2.AddHours(-1) : now,
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
