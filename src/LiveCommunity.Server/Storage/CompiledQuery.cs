using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// An EF Core compiled query, compiled once per provider. EF binds a compiled query to the model it first runs
/// against, and each provider has its own model (<see cref="SqliteCommunityDb"/>, <see cref="PostgresCommunityDb"/>):
/// one static compiled query would fail ("executed with a different model") in a process that uses both, as the
/// test run does. The lookup is one dictionary read by context type.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConcurrentDictionary<Type, TQuery> _byProvider = new();

    public TQuery For(CommunityDb db) => _byProvider.GetOrAdd(db.GetType(), static (_, compile) => compile(), compile);
}
