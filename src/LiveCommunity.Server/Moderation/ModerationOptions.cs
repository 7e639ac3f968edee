namespace LiveCommunity.Server.Moderation;

/// <summary>Configuration section "Moderation".</summary>
public sealed class ModerationOptions
{
    /// <summary>Words a reply may not contain (whole words, any case). Empty by default.</summary>
    public List<string> BlockedWords { get; set; } = [];
}
