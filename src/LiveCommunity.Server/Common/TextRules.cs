namespace LiveCommunity.Server.Common;

/// <summary>
/// Validation shared by every text a user submits. Text is stored verbatim: the limit applies to the trimmed
/// text, and the text as sent may exceed it only by <see cref="PaddingAllowance"/> characters of surrounding
/// whitespace (a trailing newline from a textarea passes; 60 KB of padding is not stored and sent to every reader).
/// </summary>
public static class TextRules
{
    /// <summary>Whitespace around a text beyond its limit that is still accepted (and stored, since text is verbatim).</summary>
    public const int PaddingAllowance = 100;

    /// <summary>
    /// Adds an error for <paramref name="field"/> unless the text is 1..max characters after trimming and at most
    /// max + <see cref="PaddingAllowance"/> as sent, without control characters.
    /// </summary>
    public static void Check(Dictionary<string, string[]> errors, string field, string? text, int max, bool required = true)
    {
        if (text is null || text.Trim().Length == 0)
        {
            if (required)
            {
                errors[field] = ["must not be empty"];
            }
            return;
        }
        if (text.Trim().Length > max)
        {
            errors[field] = [$"must be at most {max} characters"];
            return;
        }
        // The text as sent too: padding would be stored and sent to every reader as well.
        if (text.Length > max + PaddingAllowance)
        {
            errors[field] = [$"must be at most {max} characters, with at most {PaddingAllowance} more of whitespace around it"];
            return;
        }
        if (HasControlCharacters(text))
        {
            errors[field] = ["must not contain control characters other than newline and tab"];
        }
    }

    // Newlines (LF, and the CR of CRLF that textareas send) and tabs are text; everything else in C0/C1 is not.
    public static bool HasControlCharacters(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return true;
            }
        }
        return false;
    }

    public static bool IsHttpUrl(string? url, int maxLength) =>
        url is not null && url.Length <= maxLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !HasControlCharacters(url);

    public static Rejection? ToRejection(this Dictionary<string, string[]> errors) =>
        errors.Count == 0 ? null : Rejection.Invalid(errors);

    /// <summary>Paging limit: absent means the default, out of range is an error (not silently clamped).</summary>
    public static int? CheckLimit(Dictionary<string, string[]> errors, int? limit, int fallback, int max)
    {
        if (limit is null)
        {
            return fallback;
        }
        if (limit < 1 || limit > max)
        {
            errors["limit"] = [$"must be between 1 and {max}"];
            return null;
        }
        return limit;
    }
}
