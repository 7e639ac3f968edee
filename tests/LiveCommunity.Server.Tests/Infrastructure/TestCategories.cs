namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>
/// Trait values ([Trait("Category", …)]) that scripts/test.sh selects on: tests that need more than the default
/// run (two hosts on Redis + PostgreSQL, PostgreSQL only, or a process of their own) say so where they are declared.
/// </summary>
public static class TestCategories
{
    /// <summary>Two hosts, one Redis, one PostgreSQL (started by the tests).</summary>
    public const string Cluster = "Cluster";

    /// <summary>PostgreSQL only, whatever LC_TEST_DATABASE says.</summary>
    public const string Postgres = "Postgres";

    /// <summary>Query plans read from EF's process-wide diagnostics: run in a process of their own.</summary>
    public const string QueryPlans = "QueryPlans";
}
