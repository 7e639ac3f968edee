using System.Security.Cryptography;
using System.Text;

namespace LiveCommunity.Server.Tests.Webhooks;

// The C# snippet of docs/integration.md, "Verifying a webhook signature", verbatim from "public static class" on:
// IntegrationGuideTests checks the guide still shows exactly this code, and runs it against real deliveries.
public static class WebhookVerifier
{
    /// <summary>True when one of the signatures is the secret's and the timestamp is within five minutes of now.</summary>
    public static bool IsValid(string secret, string id, string timestamp, string signatures, string body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false; // an old (replayed) or malformed delivery
        }
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(signed));
        return signatures.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
