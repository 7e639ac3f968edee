using System.Buffers.Text;
using System.Text;

namespace LiveCommunity.Server.Common;

/// <summary>Opaque paging cursors: base64url of a small position string, so clients cannot depend on their shape.</summary>
public static class Cursor
{
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
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
