using System.Text.Json;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>`--report FILE`: the table's content as JSON, with every counter and failure.</summary>
public static class ScenarioReport
{
    private static string Kebab(FailureKind kind) => kind switch
    {
        FailureKind.Expectation => "expectation",
        FailureKind.Run => "run",
        _ => "host-error",
    };

    public static void Write(string path, IReadOnlyList<CombinationResult> results)
    {
        var doc = new Dictionary<string, object>
        {
            ["format"] = Arm64Vm.Scenarios.ScenarioFormat.Version,
            ["results"] = results.Select(r => new Dictionary<string, object?>
            {
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
            }).ToList(),
            ["summary"] = new
            {
                combinations = results.Count,
                pass = results.Count(r => r.Passed),
                fail = results.Count(r => !r.Passed && !r.Skipped),
                skip = results.Count(r => r.Skipped),
                unexpected = results.Count(r => !r.MatchesExpected),
            },
        };
        try { File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + "\n"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(new SourceLocation(path, 0, 0), $"--report: cannot write: {e.Message}");
        }
    }
}
