using System.Text.Json;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Sweep;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>
/// `--report FILE`: the table's content as JSON, with every counter and failure. Each result carries its index in the
/// whole plan; a shard's report also says which part it is ("shard": k, n and the plan's size), and a sweep's report
/// its metric and title, so `scenario merge` can rebuild exactly what one unsharded run writes.
/// </summary>
public static class ScenarioReport
{
    /// <summary>What a report says beyond its results: the shard it is, and the sweep it belongs to.</summary>
    public sealed record Header(Shard? Shard = null, int Planned = 0, SweepHeader? Sweep = null);

    public sealed record SweepHeader(string Scenario, string Metric, string Title);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Kebab(FailureKind kind) => kind switch
    {
        FailureKind.Expectation => "expectation",
        FailureKind.Run => "run",
        _ => "host-error",
    };

    /// <summary>One result as the report writes it.</summary>
    public static Dictionary<string, object?> Entry(CombinationResult r, int index) => new()
    {
        ["index"] = index,
        ["scenario"] = r.Scenario,
        ["file"] = r.File,
        ["combination"] = r.Combination.Settings.ToDictionary(s => s.Path, s => s.Value.Value),
        ["result"] = r.Result,
        ["skipped"] = r.SkipReason,
        ["staleReads"] = r.StaleReads,
        ["expected"] = r.ExpectedPass ? "pass" : "fail",
        ["expectedFailure"] = r.ExpectedFailure is { } want ? new { fails = want.Fails, observed = want.Observed, location = want.Location.ToString() } : null,
        ["matchesExpected"] = r.MatchesExpected,
        ["mismatch"] = r.Mismatch,
        ["expectedSource"] = r.ExpectedSource,
        ["failures"] = r.Failures.Select(f => new
        {
            kind = Kebab(f.Kind), step = f.Step, expect = f.ExpectId, expectation = f.What, detail = f.Detail, observed = f.Observed, location = f.Location,
        }).ToList(),
        ["checks"] = r.ChecksRun,
        ["runs"] = r.Runs,
        ["instructions"] = r.Instructions,
        ["hostSeconds"] = Math.Round(r.HostSeconds, 4),
        ["counters"] = r.Counters,
        ["runner"] = r.Extra,
    };

    /// <summary>The report's text: <paramref name="entries"/> are the results as <see cref="Entry"/> writes them (or as a
    /// shard's report held them), in plan order.</summary>
    public static string Serialize(IReadOnlyList<CombinationResult> results, IEnumerable<object?> entries, Header header)
    {
        var doc = new Dictionary<string, object?> { ["format"] = Arm64Vm.Scenarios.ScenarioFormat.Version };
        if (header.Shard is { } shard) doc["shard"] = new { k = shard.K, n = shard.N, planned = header.Planned };
        if (header.Sweep is { } sweep) doc["sweep"] = new { scenario = sweep.Scenario, metric = sweep.Metric, title = sweep.Title };
        doc["results"] = entries.ToList();
        doc["summary"] = new
        {
            combinations = results.Count,
            pass = results.Count(r => r.Passed),
            fail = results.Count(r => !r.Passed && !r.Skipped),
            skip = results.Count(r => r.Skipped),
            unexpected = results.Count(r => !r.MatchesExpected),
        };
        return JsonSerializer.Serialize(doc, Indented) + "\n";
    }

    public static void Write(string path, IReadOnlyList<CombinationResult> results, IReadOnlyList<int>? indices = null, Header? header = null)
    {
        var entries = results.Select((r, i) => (object?)Entry(r, indices?[i] ?? i));
        WriteText("--report", path, Serialize(results, entries, header ?? new Header()));
    }

    public static void WriteText(string option, string path, string text)
    {
        try { File.WriteAllText(path, text); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(new SourceLocation(path, 0, 0), $"{option}: cannot write: {e.Message}");
        }
    }
}
