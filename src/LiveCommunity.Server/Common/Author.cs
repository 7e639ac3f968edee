using System.Text.Json.Serialization;

namespace LiveCommunity.Server.Common;

public sealed record Author(string Id, string Name)
{
    /// <summary>Longest <c>badge</c> claim (PROTOCOL.md "New roles and claims"); a longer one makes the token unusable.</summary>
    public const int MaxBadgeLength = 32;

    /// <summary>A label such as "Reporter" from the author's token at write time; absent on the wire when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Badge { get; init; }
}
