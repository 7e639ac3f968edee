using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Architecture;

/// <summary>
/// scripts/test.sh picks the cross-instance tests by their trait; a cluster test without it would run in the
/// per-provider suites instead, where it neither belongs nor is awaited.
/// </summary>
public sealed class TestCategoryTests
{
    [Fact]
    public void EveryTestClassOnAClusterFixtureHasTheClusterCategory()
    {
        var clusterTests = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(type => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)
                && typeof(ClusterFixture).IsAssignableFrom(i.GetGenericArguments()[0])))
            .ToList();

        Assert.NotEmpty(clusterTests);
        var unmarked = clusterTests
            .Where(type => !type.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
                && (string?)a.ConstructorArguments[0].Value == "Category"
                && (string?)a.ConstructorArguments[1].Value == TestCategories.Cluster))
            .Select(type => type.FullName)
            .ToList();
        Assert.True(unmarked.Count == 0, "Without [Trait(\"Category\", TestCategories.Cluster)]: " + string.Join(", ", unmarked));
    }
}
