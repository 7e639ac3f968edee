using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LiveCommunity.Server.Auth;

/// <summary>
/// Resolves the HS256 key once: the configured one, or (Development only) a generated one that is
/// logged so a developer can mint tokens with it. Anywhere else a missing key stops the server.
/// </summary>
public sealed partial class SigningKeys
{
    public const int MinimumKeyBytes = 32;

    public SigningKeys(IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<SigningKeys> logger)
    {
        var secret = options.Value.SigningKey;
        if (string.IsNullOrEmpty(secret))
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Auth:SigningKey is not set. Set it (environment variable Auth__SigningKey) to the HS256 secret " +
                    $"shared with the host site, at least {MinimumKeyBytes} bytes. Only the Development environment generates one.");
            }
            secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes));
            LogGeneratedKey(logger, secret);
        }
        var bytes = Encoding.UTF8.GetBytes(secret);
        if (bytes.Length < MinimumKeyBytes)
        {
            throw new InvalidOperationException(
                $"Auth:SigningKey is {bytes.Length} bytes long; HS256 needs at least {MinimumKeyBytes} bytes.");
        }
        Key = new SymmetricSecurityKey(bytes);
    }

    public SymmetricSecurityKey Key { get; }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Auth:SigningKey is not set; generated a development key for this run: {Key}")]
    private static partial void LogGeneratedKey(ILogger logger, string key);
}
