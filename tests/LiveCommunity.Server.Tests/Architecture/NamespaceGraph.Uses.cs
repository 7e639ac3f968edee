using Mono.Cecil;
using Mono.Cecil.Cil;

namespace LiveCommunity.Server.Tests.Architecture;

/// <summary>What a type uses: every place compiled code can name another type.</summary>
public sealed partial class NamespaceGraph
{
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
}
