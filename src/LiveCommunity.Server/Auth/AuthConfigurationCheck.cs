using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Auth;

/// <summary>
/// Warns at start, outside Development, when tokens are not bound to an issuer and an audience (then a token any
/// other service signed with the same key would be accepted here too), and when dev tokens are on (then anyone who
/// reaches the server can mint a token of any role).
/// </summary>
public sealed partial class AuthConfigurationCheck(IOptions<AuthOptions> options, IHostEnvironment environment,
    ILogger<AuthConfigurationCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var auth = options.Value;
        if (!environment.IsDevelopment() && auth.DevTokensEnabledIn(environment))
        {
            LogDevTokensOn(logger, environment.EnvironmentName);
        }
        if (!environment.IsDevelopment() && (string.IsNullOrWhiteSpace(auth.Issuer) || string.IsNullOrWhiteSpace(auth.Audience)))
        {
            LogUnboundTokens(logger, string.IsNullOrWhiteSpace(auth.Issuer) ? "unset" : "set",
                string.IsNullOrWhiteSpace(auth.Audience) ? "unset" : "set");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Auth:Issuer is {Issuer} and Auth:Audience is {Audience}: tokens are not checked for them, so any token signed " +
                  "with the key is accepted. Set both (Auth__Issuer, Auth__Audience) to what the host site puts in its tokens")]
    private static partial void LogUnboundTokens(ILogger logger, string issuer, string audience);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Auth:DevTokens is on in {Environment}: anyone who can reach POST /api/dev/token gets a token of any role, " +
                  "admin included. For local demos only; turn it off (Auth__DevTokens=false) anywhere reachable")]
    private static partial void LogDevTokensOn(ILogger logger, string environment);
}
