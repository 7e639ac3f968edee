using Mono.Cecil;
using Mono.Cecil.Cil;

namespace LiveCommunity.Server.Tests.Architecture;

/// <summary>
/// Which namespace of an assembly uses which, read from the compiled code: base types, interfaces, attributes,
/// fields, properties, events, method signatures, locals and every type, method or field a method body names.
/// Compiler-made types (lambdas, state machines, generated loggers) count for the type that declares them.
/// </summary>
public sealed class NamespaceGraph
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

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }
        foreach (var item in type.Interfaces)
        {
            yield return item.InterfaceType;
        }
        foreach (var used in AttributeTypes(type))
        {
            yield return used;
        }
        foreach (var constraint in type.GenericParameters.SelectMany(parameter => parameter.Constraints))
        {
            yield return constraint.ConstraintType;
        }
        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
            foreach (var used in AttributeTypes(field))
            {
                yield return used;
            }
        }
        foreach (var property in type.Properties)
        {
            yield return property.PropertyType;
            foreach (var used in AttributeTypes(property))
            {
                yield return used;
            }
        }
        foreach (var @event in type.Events)
        {
            yield return @event.EventType;
        }
        foreach (var method in type.Methods)
        {
            foreach (var used in MethodTypes(method))
            {
                yield return used;
            }
            foreach (var used in AttributeTypes(method))
            {
                yield return used;
            }
            foreach (var parameter in method.Parameters)
            {
                foreach (var used in AttributeTypes(parameter))
                {
                    yield return used;
                }
            }
            if (!method.HasBody)
            {
                continue;
            }
            foreach (var local in method.Body.Variables)
            {
                yield return local.VariableType;
            }
            foreach (var handler in method.Body.ExceptionHandlers.Where(handler => handler.CatchType is not null))
            {
                yield return handler.CatchType;
            }
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference used:
                        yield return used;
                        break;
                    case MethodReference called:
                        foreach (var used in MethodTypes(called))
                        {
                            yield return used;
                        }
                        break;
                    case FieldReference field:
                        yield return field.DeclaringType;
                        yield return field.FieldType;
                        break;
                    case CallSite site:
                        yield return site.ReturnType;
                        foreach (var parameter in site.Parameters)
                        {
                            yield return parameter.ParameterType;
                        }
                        break;
                }
            }
        }
    }

    private static IEnumerable<TypeReference> MethodTypes(MethodReference method)
    {
        yield return method.DeclaringType;
        yield return method.ReturnType;
        foreach (var parameter in method.Parameters)
        {
            yield return parameter.ParameterType;
        }
        if (method is GenericInstanceMethod generic)
        {
            foreach (var argument in generic.GenericArguments)
            {
                yield return argument;
            }
        }
    }

    private static IEnumerable<TypeReference> AttributeTypes(ICustomAttributeProvider provider)
    {
        foreach (var attribute in provider.CustomAttributes)
        {
            yield return attribute.AttributeType;
            foreach (var argument in attribute.ConstructorArguments.Concat(attribute.Properties.Select(p => p.Argument)))
            {
                if (argument.Value is TypeReference named)
                {
                    yield return named;
                }
            }
        }
    }

    /// <summary>A type and the types it is made of: generic arguments, element types of arrays and refs.</summary>
    private static IEnumerable<TypeReference> Parts(TypeReference type)
    {
        switch (type)
        {
            case GenericInstanceType generic:
                foreach (var part in Parts(generic.ElementType).Concat(generic.GenericArguments.SelectMany(Parts)))
                {
                    yield return part;
                }
                break;
            case TypeSpecification specification:
                foreach (var part in Parts(specification.ElementType))
                {
                    yield return part;
                }
                break;
            case GenericParameter:
                break;
            default:
                yield return type;
                break;
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
