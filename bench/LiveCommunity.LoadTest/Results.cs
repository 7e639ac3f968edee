using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveCommunity.LoadTest;

/// <summary>What one scenario measured on one target.</summary>
public sealed class RunResult
{
    public Dictionary<string, double> Metrics { get; init; } = [];
    /// <summary>Broken guarantees (loss, wrong counts, …). Empty when the run is clean.</summary>
    public List<string> Failures { get; init; } = [];
    /// <summary>Series for plots, e.g. server memory against connections held: name → [x, y] pairs.</summary>
    public Dictionary<string, List<double[]>> Series { get; init; } = [];
    public List<string> Notes { get; init; } = [];

    /// <summary>Adds one (x, y) point to a plot series, starting the series on its first point.</summary>
    public void AddPoint(string series, double x, double y)
    {
        if (!Series.TryGetValue(series, out var points))
        {
            Series[series] = points = [];
        }
        points.Add([x, y]);
    }
}

/// <summary>One scenario run: LiveCommunity and the baseline side by side, with their ratios.</summary>
public sealed class ScenarioResult
{
    public required string Scenario { get; init; }
    public DateTime StartedAt { get; init; } = DateTime.UtcNow;
    public Dictionary<string, string> Parameters { get; init; } = [];
    public RunResult? LiveCommunity { get; set; }
    public RunResult? Baseline { get; set; }
    /// <summary>LiveCommunity ÷ baseline for every metric both measured.</summary>
    public Dictionary<string, double> Ratios { get; set; } = [];
    public List<string> Notes { get; init; } = [];
    /// <summary>LiveCommunity kept every guarantee the scenario checks. The baseline is not held to them.</summary>
    public bool Passed { get; set; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Complete()
    {
        Ratios = [];
        if (LiveCommunity is { } lc && Baseline is { } b)
        {
            foreach (var (key, value) in lc.Metrics)
            {
                if (b.Metrics.TryGetValue(key, out var baseline) && baseline != 0)
                {
                    Ratios[key] = Math.Round(value / baseline, 3);
                }
            }
        }
        Passed = LiveCommunity is { Failures.Count: 0 };
    }

    public async Task SaveAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));
    }

    public static ScenarioResult Load(string path) =>
        JsonSerializer.Deserialize<ScenarioResult>(File.ReadAllText(path), Json)!;
}
