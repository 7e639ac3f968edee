using System.Reflection;
using System.Text.RegularExpressions;
using LiveCommunity.Server.Hubs;
using LiveCommunity.Server.Protocol;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Tests.Realtime;

/// <summary>Keeps docs/protocol.md's hub reference and the server's hub in step, in both directions.</summary>
public sealed partial class ProtocolDocTests
{
    private static readonly string Doc = File.ReadAllText(FindDoc());

    [Fact]
    public void EveryHubMethodIsDocumentedWithItsParameters()
    {
        var documented = MethodHeadings().Matches(Section("### Client → server", "### Server → client"))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split(':')[0].Trim()).ToArray());
        var actual = typeof(DiscussionHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not ("OnConnectedAsync" or "OnDisconnectedAsync"))
            .ToDictionary(m => m.Name, m => m.GetParameters().Select(p => p.Name!).ToArray());

        Assert.Equal(actual.Keys.Order(), documented.Keys.Order());
        foreach (var (name, parameters) in actual)
        {
            Assert.Equal(parameters, documented[name]);
        }
    }

    [Fact]
    public void EveryEventIsDocumentedWithAnExampleCarryingItsFields()
    {
        var events = typeof(IDiscussionClient).GetMethods();
        var section = Section("### Server → client", "## Decisions");
        var documented = EventHeadings().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(events.Select(e => e.Name).Order(), documented.Order());

        foreach (var evt in events)
        {
            var example = EventExample(section, evt.Name);
            var payload = evt.GetParameters().Single().ParameterType;
            foreach (var property in payload.GetProperties())
            {
                var json = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                Assert.Contains($"\"{json}\":", example);
            }
        }
    }

    private static string Section(string from, string to)
    {
        var start = Doc.IndexOf(from, StringComparison.Ordinal);
        var end = Doc.IndexOf(to, start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/protocol.md lacks the section {from}");
        return Doc[start..end];
    }

    private static string EventExample(string section, string name)
    {
        var start = section.IndexOf($"#### `{name}`", StringComparison.Ordinal);
        var next = section.IndexOf("#### ", start + 5, StringComparison.Ordinal);
        return next < 0 ? section[start..] : section[start..next];
    }

    private static string FindDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "protocol.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("docs/protocol.md not found above the test output folder");
    }

    [GeneratedRegex(@"^#### `(\w+)\(([^)]*)\)`", RegexOptions.Multiline)]
    private static partial Regex MethodHeadings();

    [GeneratedRegex(@"^#### `(\w+)`\s*$", RegexOptions.Multiline)]
    private static partial Regex EventHeadings();
}
