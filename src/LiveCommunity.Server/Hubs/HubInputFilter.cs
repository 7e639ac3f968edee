using System.Collections.Concurrent;
using System.Reflection;
using LiveCommunity.Server.Common;
using Microsoft.AspNetCore.SignalR;

namespace LiveCommunity.Server.Hubs;

/// <summary>
/// Hub side of <see cref="Ids"/>: every string argument whose parameter is named like an id (topicId, replyId,
/// parentId, kind, ...) is checked before the method runs, so a made-up 20,000-character id never reaches a
/// lookup, a group or a log line. The same names and limits as the REST routes.
/// </summary>
public sealed class HubInputFilter : IHubFilter
{
    // Hub methods are few and fixed: which of their arguments to check is worked out once per method.
    private static readonly ConcurrentDictionary<MethodInfo, (int Index, string Name)[]> IdParameters = new();

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var parameters = IdParameters.GetOrAdd(invocationContext.HubMethod, static method => [.. method.GetParameters()
            .Where(p => p.ParameterType == typeof(string) && p.Name is not null && Ids.IsIdParameter(p.Name))
            .Select(p => (p.Position, p.Name!))]);
        var arguments = invocationContext.HubMethodArguments;
        foreach (var (index, name) in parameters)
        {
            if (index < arguments.Count && Ids.Problem(name, arguments[index] as string) is { } problem)
            {
                throw new HubException($"{name} {problem}");
            }
        }
        return next(invocationContext);
    }
}
