using System.Text.RegularExpressions;
using LiveCommunity.Server.Common;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>
/// Rules on what a reply may say, beyond length: blocked words refuse it, suspect words hold it for a
/// moderator (Moderation:BlockedWords, Moderation:SuspectWords).
/// </summary>
public sealed class ContentRules(IOptions<ModerationOptions> options)
{
    private readonly Regex? _blocked = WholeWords(options.Value.BlockedWords);
    private readonly Regex? _suspect = WholeWords(options.Value.SuspectWords);

    /// <summary>A rejection naming the rule and the word, or null when the text passes.</summary>
    public Rejection? Check(string field, string text)
    {
        var match = _blocked?.Match(text);
        return match is { Success: true }
            ? Rejection.Invalid(field, $"contains \"{match.Value}\", which is on this site's blocked words list")
            : null;
    }

    /// <summary>True when the text contains a suspect word: it waits in the pending queue for a moderator.</summary>
    public bool IsSuspect(string text) => _suspect?.IsMatch(text) == true;

    // Whole words only, so listing "ass" does not catch "class". Linear (an alternation of literals), with a
    // timeout as a backstop.
    private static Regex? WholeWords(IEnumerable<string> list)
    {
        var words = list.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => Regex.Escape(w.Trim())).ToList();
        return words.Count == 0
            ? null
            : new Regex($@"(?<!\w)({string.Join('|', words)})(?!\w)",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100));
    }
}
