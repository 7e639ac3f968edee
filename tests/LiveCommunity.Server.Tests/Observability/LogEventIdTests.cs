using System.Reflection;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Observability;

/// <summary>
/// Operators filter and alert on event ids, so each id must name one kind of line: two components that pick the
/// same number make an alert fire for the wrong thing.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLogEventIdOfTheServerIsUsedOnce()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var uses = typeof(Program).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(all))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(use => use.Attribute is not null)
            .Select(use => (Id: use.Attribute!.EventId, Name: $"{use.Method.DeclaringType!.Name}.{use.Method.Name}"))
            .ToArray();

        Assert.NotEmpty(uses);
        Assert.DoesNotContain(uses, use => use.Id <= 0); // an id left out defaults to 0, which says nothing
        var shared = uses.GroupBy(use => use.Id)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(use => use.Name))}")
            .ToArray();
        Assert.True(shared.Length == 0, "Event ids used more than once:\n" + string.Join("\n", shared));
    }
}
