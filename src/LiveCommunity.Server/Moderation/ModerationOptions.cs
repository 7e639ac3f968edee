namespace LiveCommunity.Server.Moderation;

/// <summary>Configuration section "Moderation".</summary>
public sealed class ModerationOptions
{
    /// <summary>Words a reply may not contain (whole words, any case). Empty by default.</summary>
    public List<string> BlockedWords { get; set; } = [];

    /// <summary>
    /// How long an instance holds a moderation job (removing a banned user's replies) without renewing it;
    /// after that another instance takes it over. Also how soon a job left by a crash is resumed.
    /// </summary>
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(30);
}
