using Mono.Cecil;

namespace LiveCommunity.Server.Tests.Architecture;

/// <summary>
/// Which namespace of an assembly uses which, read from the compiled code: base types, interfaces, attributes,
/// fields, properties, events, method signatures, locals and every type, method or field a method body names.
/// Compiler-made types (lambdas, state machines, generated loggers) count for the type that declares them.
/// </summary>
public sealed partial class NamespaceGraph
{
    private readonly string _prefix;
    private readonly Dictionary<string, Dictionary<string, string>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(string prefix) => _prefix = prefix;

    /// <summary>Namespace → the namespaces it uses, each with one example use ("From → To").</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Edges => _edges;

    /// <summary>Every use between types of different namespaces ("From → To").</summary>
    public SortedSet<string> AllUses { get; } = new(StringComparer.Ordinal);

    public static NamespaceGraph Read(string assemblyPath, string prefix, Func<string, bool> ignore)
    {
        var graph = new NamespaceGraph(prefix);
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null || !from.StartsWith(prefix, StringComparison.Ordinal) || ignore(from))
            {
                continue;
            }
            graph._edges.TryAdd(from, new Dictionary<string, string>(StringComparer.Ordinal));
            foreach (var used in UsedTypes(type))
            {
                graph.Add(from, type, used, ignore);
            }
        }
        return graph;
    }

    /// <summary>The groups of namespaces that reach each other (strongly connected, more than one member).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = 0;
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var found = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            indices[node] = low[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in _edges.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!indices.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }
            if (low[node] != indices[node])
            {
                return;
            }
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                group.Add(member);
            } while (member != node);
            if (group.Count > 1)
            {
                group.Sort(StringComparer.Ordinal);
                found.Add(group);
            }
        }

        foreach (var node in _edges.Keys.OrderBy(name => name, StringComparer.Ordinal))
        {
            if (!indices.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return found;
    }

    private void Add(string from, TypeDefinition user, TypeReference used, Func<string, bool> ignore)
    {
        foreach (var part in Parts(used))
        {
            var to = NamespaceOf(part);
            if (to is null || to == from || !to.StartsWith(_prefix, StringComparison.Ordinal) || ignore(to))
            {
                continue;
            }
            var use = $"{Outermost(user).FullName} → {Outermost(part).FullName}";
            _edges[from].TryAdd(to, use);
            AllUses.Add(use);
        }
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }
        return type;
    }

    /// <summary>
    /// A type's namespace, with "X.Internal" counted as "X": an Internal folder is the implementation of the
    /// folder above it (as in ASP.NET Core), and the two use each other.
    /// </summary>
    private static string? NamespaceOf(TypeReference type)
    {
        var name = Outermost(type).Namespace;
        return name.EndsWith(".Internal", StringComparison.Ordinal) ? name[..^".Internal".Length] : name;
    }
}
