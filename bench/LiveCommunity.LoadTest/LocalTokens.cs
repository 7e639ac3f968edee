using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LiveCommunity.LoadTest;

/// <summary>
/// Mints HS256 tokens the way a host site does, with the cluster's signing key: a cluster started by
/// scripts/cluster.sh has no POST /api/dev/token (dev tokens stay off outside its `demo` mode). Used when
/// LC_SIGNING_KEY_FILE names the key file (bench/cluster-scale.sh and scripts/cluster-smoke.sh set it).
/// </summary>
public static class LocalTokens
{
    public const string KeyFileVariable = "LC_SIGNING_KEY_FILE";

    private static readonly Lazy<byte[]?> Key = new(() =>
        Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 } path
            ? Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim())
            : null);

    public static bool Enabled => Key.Value is not null;

    /// <summary>A token for the user "bench-NAME" (the same name gives the same user), valid for 12 hours.</summary>
    public static TokenDto Mint(string name, string role)
    {
        var key = Key.Value ?? throw new InvalidOperationException($"{KeyFileVariable} is not set");
        var userId = "bench-" + name;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new { sub = userId, name, role, iat = now, nbf = now, exp = now + 12 * 3600 }));
        var signature = Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(header + "." + payload)));
        return new TokenDto($"{header}.{payload}.{signature}", userId);
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
