using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Common;

/// <summary>The "Limits" section's rules, in one place for every layer that reads it; checked on start.</summary>
public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions o)
    {
        var failures = new List<string>();
        if (!(o.ReplyMaxLength > 0 && o.TitleMaxLength > 0 && o.MaxWatchedTopics > 0 && o.EditWindow >= TimeSpan.Zero))
        {
            failures.Add("Limits:* must be positive");
        }
        if (!(o.HubInvocationBurst > 0 && o.HubInvocationsPerSecond > 0 && o.HubRefusalsBeforeClose > 0
                && o.ReplayBurst > 0 && o.ReplaysPerSecond > 0 && o.MaxPendingSends > 0))
        {
            failures.Add("Limits:Hub*, Limits:Replay* and Limits:MaxPendingSends must be positive");
        }
        if (o.ConnectionsPerAddress <= 0)
        {
            failures.Add("Limits:ConnectionsPerAddress must be positive");
        }
        if (o.SharedLimitTimeout <= TimeSpan.Zero)
        {
            failures.Add("Limits:SharedLimitTimeout must be positive");
        }
        if (!(o.AddressHubInvocationBurst > 0 && o.AddressHubInvocationsPerSecond > 0 && o.AddressReplayBurst > 0 && o.AddressReplaysPerSecond > 0))
        {
            failures.Add("Limits:AddressHubInvocationBurst, AddressHubInvocationsPerSecond, AddressReplayBurst and AddressReplaysPerSecond must be positive");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
