namespace LiveCommunity.Server.Moderation;

/// <summary>Names of logged moderation actions (the <c>action</c> field of GET /api/moderation/log).</summary>
public static class ModerationActions
{
    public const string Remove = "remove";
    public const string Restore = "restore";
    public const string Lock = "lock";
    public const string Unlock = "unlock";
    public const string Ban = "ban";
    public const string Unban = "unban";
    public const string Premoderate = "premoderate";
    public const string Unpremoderate = "unpremoderate";
    public const string Hide = "hide";
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string Erase = "erase";
    public const string Feature = "feature";
    public const string Unfeature = "unfeature";
}
