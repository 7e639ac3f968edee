using System.Text.RegularExpressions;
using LiveCommunity.Server.Common;
using Microsoft.Extensions.Options;

namespace LiveCommunity.Server.Moderation;

/// <summary>Rules on what a reply may say, beyond length: the configured blocked words.</summary>
public sealed class ContentRules
{
    private readonly Regex? _blocked;

    public ContentRules(IOptions<ModerationOptions> options)
    {
        var words = options.Value.BlockedWords.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => Regex.Escape(w.Trim())).ToList();
        if (words.Count > 0)
        {
            // Whole words only, so blocking "ass" does not refuse "class".
            _blocked = new Regex($@"(?<!\w)({string.Join('|', words)})(?!\w)",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A rejection naming the rule and the word, or null when the text passes.</summary>
    public Rejection? Check(string field, string text)
    {
        if (_blocked is null)
        {
            return null;
        }
        var match = _blocked.Match(text);
        return match.Success
            ? Rejection.Invalid(field, $"contains \"{match.Value}\", which is on this site's blocked words list")
            : null;
    }
}
