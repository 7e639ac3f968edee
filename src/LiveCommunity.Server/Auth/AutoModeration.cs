namespace LiveCommunity.Server.Auth;

/// <summary>Who the moderation log names for what the rules did by themselves (an automatic hide).</summary>
public static class AutoModeration
{
    public static readonly Caller Caller = new("livecommunity", "Automatic moderation", Roles.Admin);
}
