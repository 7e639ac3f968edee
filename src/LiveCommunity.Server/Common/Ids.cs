namespace LiveCommunity.Server.Common;

/// <summary>
/// Opaque ids. Version 7 GUIDs sort by creation time (handy in logs and indexes); the prefix tells
/// a human reading a log which kind of thing an id names. Clients never parse them.
/// </summary>
public static class Ids
{
    public static string NewTopicId() => "t_" + Guid.CreateVersion7().ToString("N");
    public static string NewReplyId() => "r_" + Guid.CreateVersion7().ToString("N");
    public static string NewEntryId() => "m_" + Guid.CreateVersion7().ToString("N");
}
