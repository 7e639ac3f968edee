using System.Buffers.Text;
using System.Text;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Opaque paging cursors: base64url of a small position string, so clients cannot depend on their shape. Only
/// the one spelling this server issues decodes (no padding, no leading zeros, nothing after the position): every
/// position has exactly one cursor, so caches keyed by the decoded position cannot be multiplied by re-spelling it.
/// </summary>
public static class Cursor
{
    /// <summary>A cursor for lists sorted by a number: replies by seq.</summary>
    public static string EncodeNumber(long position) => Encode(position.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static bool TryDecodeNumber(string? cursor, out long position)
    {
        position = 0;
        return TryDecode(cursor, out var text)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out position)
            && Canonical(text, position);
    }

    /// <summary>A cursor for lists sorted by (time, id), newest first: topics, the moderation log.</summary>
    public static string EncodeTimeAndId(DateTime at, string id) =>
        Encode(at.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + id);

    public static bool TryDecodeTimeAndId(string? cursor, out DateTime at, out string id)
    {
        (at, id) = (default, "");
        var parts = TryDecode(cursor, out var position) ? position.Split('|', 2) : [];
        if (parts.Length != 2
            || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks
            || !Canonical(parts[0], ticks))
        {
            return false;
        }
        (at, id) = (new DateTime(ticks, DateTimeKind.Utc), parts[1]);
        return true;
    }

    /// <summary>The position of a (time, id) cursor, null when there is none; an unreadable one adds an error.</summary>
    public static (DateTime At, string Id)? CheckTimeAndId(Dictionary<string, string[]> errors, string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }
        if (TryDecodeTimeAndId(cursor, out var at, out var id))
        {
            return (at, id);
        }
        errors["cursor"] = ["is not a cursor this server issued"];
        return null;
    }

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    public static bool TryDecode(string? cursor, out string position)
    {
        position = "";
        if (string.IsNullOrEmpty(cursor))
        {
            return false;
        }
        try
        {
            position = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            // Another spelling of the same bytes (padding, stray bits) or bytes that are not UTF-8: not issued here.
            return Encode(position) == cursor;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool Canonical(string text, long number) =>
        text == number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
