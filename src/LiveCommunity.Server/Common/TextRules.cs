namespace LiveCommunity.Server.Common;

/// <summary>Validation shared by every text a user submits. Text is stored verbatim; limits apply to the trimmed text.</summary>
public static class TextRules
{
    /// <summary>Adds an error for <paramref name="field"/> unless the text is 1..max characters after trimming, without control characters.</summary>
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
