namespace LiveCommunity.Server.Tests.Architecture;

/// <summary>
/// The server's folders are layers (README, "Architecture"): each namespace may use the ones below it and never
/// one above, so a feature can be read and changed without reading the ones that use it. A cycle between
/// namespaces, however it is made (a field, a signature, a call in a method body), fails here with an example use
/// for every edge of the cycle.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void TheServerNamespacesUseEachOtherInOneDirectionOnly()
    {
        var graph = NamespaceGraph.Read(typeof(Program).Assembly.Location, "LiveCommunity.Server", _ => false);

        Assert.True(graph.Edges.Count > 10, "the server assembly was not read");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "Namespaces that reach each other:\n" + string.Join("\n\n", cycles.Select(cycle =>
            string.Join(", ", cycle) + "\n" + string.Join("\n", cycle.SelectMany(from => graph.Edges[from]
                .Where(edge => cycle.Contains(edge.Key))
                .Select(edge => $"  {from} → {edge.Key}: {edge.Value}"))))));
    }

    [Fact]
    public void TheWritePipelineNamesNoFeature()
    {
        // Features plug into the pipeline (IWriteFollower, IBatchParticipant) and the pipeline never names them, so
        // a feature is added, changed or removed without reading Writes. It still uses what sits below it: storage,
        // wire records, delivery and the webhook outbox.
        var graph = NamespaceGraph.Read(typeof(Program).Assembly.Location, "LiveCommunity.Server", _ => false);
        string[] features = ["Articles", "Hubs", "Moderation", "Notifications", "Reactions", "Replies", "Topics", "Updates"];

        var named = graph.Edges["LiveCommunity.Server.Writes"]
            .Where(edge => features.Any(f => edge.Key == $"LiveCommunity.Server.{f}" || edge.Key.StartsWith($"LiveCommunity.Server.{f}.", StringComparison.Ordinal)))
            .Select(edge => $"  {edge.Value}")
            .ToList();
        Assert.True(named.Count == 0, "Writes names features:\n" + string.Join("\n", named));

        // Reaction counts and options live in Storage for the reads; the pipeline must not reach for them there either.
        var reactions = graph.AllUses
            .Where(use => use.StartsWith("LiveCommunity.Server.Writes.", StringComparison.Ordinal)
                          && use.Split(" → ")[1].Contains("Reaction", StringComparison.Ordinal))
            .ToList();
        Assert.True(reactions.Count == 0, "Writes names reaction types:\n" + string.Join("\n", reactions));
    }

    [Fact]
    public void TheCheckFindsATwoWayUseBetweenNamespaces()
    {
        // The check must be able to fail: two namespaces of this assembly that use each other on purpose.
        var graph = NamespaceGraph.Read(typeof(LayeringTests).Assembly.Location, "LiveCommunity.Server.Tests.Architecture.Cycle", _ => false);

        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal(["LiveCommunity.Server.Tests.Architecture.Cycle.Down", "LiveCommunity.Server.Tests.Architecture.Cycle.Up"], cycle);
    }
}
