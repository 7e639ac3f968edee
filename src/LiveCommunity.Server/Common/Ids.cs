using System.Collections.Frozen;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Opaque ids. Version 7 GUIDs sort by creation time (handy in logs and indexes); the prefix tells
/// a human reading a log which kind of thing an id names. Clients never parse them.
/// <para>
/// Every id a client sends (a route value, a query parameter, a hub argument) is checked against the limits
/// here before anything looks it up, joins a group with it or logs it: REST by <see cref="IdChecks"/>, the hub
/// by <see cref="Realtime.HubInputFilter"/>.
/// </para>
/// </summary>
public static class Ids
{
    /// <summary>
    /// Longest topic, reply or entry id a client may send. Ours are a two-letter prefix and 32 hex digits (34
    /// characters); the margin leaves room for another format without letting made-up ids grow without bound.
    /// </summary>
    public const int MaxLength = 64;

    /// <summary>User ids are the token's <c>sub</c> claim, kept in a 128-character column.</summary>
    public const int MaxUserIdLength = 128;

    /// <summary>Paging cursors: base64url of a position (a time and an id, or a seq).</summary>
    public const int MaxCursorLength = 256;

    /// <summary>Reaction kinds are configured words; the bound only keeps made-up ones short.</summary>
    public const int MaxKindLength = 64;

    // The parameter names that carry ids, the same in routes, query strings and hub methods.
    private static readonly FrozenDictionary<string, int> Checked = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["topicId"] = MaxLength,
        ["replyId"] = MaxLength,
        ["updateId"] = MaxLength,
        ["parentId"] = MaxLength,
        ["userId"] = MaxUserIdLength,
        ["kind"] = MaxKindLength,
        ["cursor"] = MaxCursorLength,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static string NewTopicId() => "t_" + Guid.CreateVersion7().ToString("N");
    public static string NewReplyId() => "r_" + Guid.CreateVersion7().ToString("N");
    public static string NewUpdateId() => "u_" + Guid.CreateVersion7().ToString("N");
    public static string NewEntryId() => "m_" + Guid.CreateVersion7().ToString("N");

    /// <summary>Whether a parameter of this name carries an id that must be checked.</summary>
    public static bool IsIdParameter(string name) => Checked.ContainsKey(name);

    /// <summary>
    /// Null when <paramref name="value"/> is fit to look up as the parameter <paramref name="name"/>; otherwise
    /// what is wrong with it, as a short phrase ("must be at most 64 characters"). Null values (absent optional
    /// ids) are left to the caller.
    /// </summary>
    public static string? Problem(string name, string? value)
    {
        if (value is null || !Checked.TryGetValue(name, out var max))
        {
            return null;
        }
        if (value.Length == 0)
        {
            return "must not be empty";
        }
        if (value.Length > max)
        {
            return $"must be at most {max} characters";
        }
        // Ids end up in logs and lookups: no line breaks, escapes or other invisible characters at all.
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return "must not contain control characters";
            }
        }
        return null;
    }
}
