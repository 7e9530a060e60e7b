using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Running;

/// <summary>How to run scenarios: command-line settings, whether to run the matrix, where to write traces.</summary>
public sealed record RunRequest
{
    /// <summary>--set and --policy, applied after the matrix values (a setting of a matrix axis fixes that axis).</summary>
    public IReadOnlyList<Setting> Overrides { get; init; } = Array.Empty<Setting>();
    public bool Matrix { get; init; }
    /// <summary>Writes NAME.N.console.txt and NAME.N.events.txt (every host event) per combination.</summary>
    public string? TraceDirectory { get; init; }
    /// <summary>--timeline: also NAME.N.timeline.json (Chrome trace-event JSON) per combination in <see cref="TraceDirectory"/>.</summary>
    public bool Timeline { get; init; }

    /// <summary>"key=value" from the command line; the value is read like a plain YAML scalar.</summary>
    public static Setting ParseSetting(string text, string option = "--set")
    {
        var where = new SourceLocation($"{option} {text}", 0, 0);
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ScenarioException(where, "expected key=value (example: host.policy=no-unmap-on-init)");
        string path = text[..eq].Trim();
        TreePaths.CheckSyntax(path, where);
        return new Setting(path, YNode.Scalar(text[(eq + 1)..].Trim(), where));
    }
}

/// <summary>Plans and runs the combinations of a scenario.</summary>
public static class ScenarioRunner
{
    /// <summary>
    /// The combinations a request runs: every matrix combination with --matrix (axes fixed by --set removed), else the
    /// file as written. Each one is bound here, so a bad value fails before anything runs.
    /// </summary>
    public static IReadOnlyList<(Combination Combination, ScenarioConfig Config)> Plan(ScenarioDocument doc, RunRequest request)
    {
        var fixedPaths = request.Overrides.Select(o => o.Path).ToHashSet();
        var combinations = request.Matrix ? doc.Combinations(fixedPaths) : new[] { Combination.Base };
        return combinations.Select(c => (c, doc.Bind(c, request.Overrides))).ToList();
    }

    /// <summary>Binds the file as written and every matrix combination (what `scenario validate` checks).</summary>
    public static int ValidateAll(ScenarioDocument doc)
    {
        doc.Bind(Combination.Base, Array.Empty<Setting>());
        return Plan(doc, new RunRequest { Matrix = true }).Count;
    }

    public static CombinationResult Run(ScenarioDocument doc, Combination combination, ScenarioConfig config, RunRequest request, int index = 0)
    {
        var tree = doc.TreeFor(combination, request.Overrides);
        var row = doc.ExpectedRowFor(tree);
        var result = new CombinationResult
        {
            Scenario = doc.Name,
            File = doc.File,
            Combination = combination,
            ExpectedFailure = row?.Failure,
            ExpectedSource = row != null ? $"expected row at {row.Location}" : "no expected row: every expectation must hold",
        };
        if (config.SkipReason != null)
        {
            result.SkipReason = config.SkipReason;
            return result;
        }
        StreamWriter? events = null;
        try
        {
            if (request.TraceDirectory != null)
            {
                Directory.CreateDirectory(request.TraceDirectory);
                events = new StreamWriter(Path.Combine(request.TraceDirectory, $"{doc.Name}.{index}.events.txt"));
                events.WriteLine($"# {doc.Name} {combination.Label}");
            }
            using var run = new CombinationRun(config, result, events)
            {
                TimelinePath = request.Timeline && request.TraceDirectory != null ? Path.Combine(request.TraceDirectory, $"{doc.Name}.{index}.timeline.json") : null,
            };
            run.Execute();
        }
        finally { events?.Dispose(); }
        if (request.TraceDirectory != null)
        {
            File.WriteAllText(Path.Combine(request.TraceDirectory, $"{doc.Name}.{index}.console.txt"), result.Console);
            File.WriteAllLines(Path.Combine(request.TraceDirectory, $"{doc.Name}.{index}.summary.txt"),
                new[] { $"combination: {combination.Label}", $"result: {result.Result} (expected {result.Expected})", $"verdict: {result.Mismatch ?? "as expected"}" }
                    .Concat(result.Runs).Concat(result.Failures.Select(f => $"failed: {f} [{f.Location}]"))
                    .Concat(result.StaleReads.Select(s => $"stale: {s}"))
                    .Concat(result.Counters.Select(kv => $"{kv.Key}: {kv.Value}")));
        }
        return result;
    }

    /// <summary>Plans and runs every combination in order (the CLI adds progress and tables around this).</summary>
    public static IReadOnlyList<CombinationResult> RunAll(ScenarioDocument doc, RunRequest request)
    {
        var plan = Plan(doc, request);
        return plan.Select((p, i) => Run(doc, p.Combination, p.Config, request, i)).ToList();
    }
}
