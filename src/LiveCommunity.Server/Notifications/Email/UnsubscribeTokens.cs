using System.Security.Cryptography;
using System.Text;
using LiveCommunity.Server.Auth;
using Microsoft.AspNetCore.WebUtilities;

namespace LiveCommunity.Server.Notifications.Email;

/// <summary>
/// The token in an email's unsubscribe link: the reader's id and an HMAC-SHA256 of it, so the link works without
/// signing in and cannot be made for someone else. The key is derived (HKDF) from Auth:SigningKey for this one
/// purpose: no second secret to configure, and a token for one use is never valid for another. It does not expire
/// (an old email's link must keep working, RFC 8058); rotating the signing key invalidates old links.
/// </summary>
public sealed class UnsubscribeTokens(SigningKeys keys)
{
    private const string Purpose = "livecommunity/email-unsubscribe/v1";

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.Key.Key, 32, info: Encoding.UTF8.GetBytes(Purpose));

    public string For(string userId)
    {
        var id = Encoding.UTF8.GetBytes(userId);
        return WebEncoders.Base64UrlEncode(id) + "." + WebEncoders.Base64UrlEncode(Sign(id));
    }

    /// <summary>The reader the token was made for, or null when it is malformed or its signature is wrong.</summary>
    public string? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512 || token.Split('.') is not [var idPart, var macPart])
        {
            return null;
        }
        try
        {
            var id = WebEncoders.Base64UrlDecode(idPart);
            var mac = WebEncoders.Base64UrlDecode(macPart);
            return CryptographicOperations.FixedTimeEquals(mac, Sign(id)) ? Encoding.UTF8.GetString(id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] Sign(byte[] id) => HMACSHA256.HashData(_key, (byte[])[.. Encoding.UTF8.GetBytes(Purpose + ":"), .. id]);
}
