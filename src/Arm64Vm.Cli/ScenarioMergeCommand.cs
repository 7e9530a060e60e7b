using System.CommandLine;
using Arm64Vm.Scenarios.Sweep;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>
/// `arm64vm scenario merge REPORT… [--report FILE] [--out DIR]`: the reports of the N parts of a sharded `scenario run
/// --shard K/N` or `scenario sweep --shard K/N` → the table, JSON report, and for a sweep the CSV and SVG, that one
/// unsharded run writes. Every part must be there exactly once, from the same plan; anything else is a one-line error
/// and exit code 2.
/// </summary>
public static class ScenarioMergeCommand
{
    public static Command Create()
    {
        var reports = new Argument<string[]>("reports") { Description = "The parts' reports (scenario run --shard K/N --report FILE, or scenario sweep --shard K/N)", Arity = ArgumentArity.OneOrMore };
        var report = new Option<string?>("--report") { Description = "Write the merged results as JSON to FILE" };
        var outDir = new Option<string>("--out") { Description = "For a sweep: directory for the merged CSV and SVG (default: the current directory)", DefaultValueFactory = _ => "." };
        var cmd = new Command("merge", "Combine the reports of a sharded run or sweep into one table, report, CSV and chart") { reports, report, outDir };
        cmd.SetAction(parse => ScenarioCommand.Guard(() => Execute(parse.GetValue(reports)!, parse.GetValue(report), parse.GetValue(outDir)!)));
        return cmd;
    }

    public static int Execute(IReadOnlyList<string> files, string? reportPath, string outDir)
    {
        var parts = files.Select(ScenarioReportReader.Read).ToList();
        var first = parts[0];
        var byK = new Dictionary<int, ReadReport>();
        foreach (var p in parts)
        {
            if (p.Header.Shard is not { } shard)
                throw Error(p.File, "not a shard's report (it has no 'shard': write parts with --shard K/N)");
            if (shard.N != first.Header.Shard!.Value.N || p.Header.Planned != first.Header.Planned)
                throw Error(p.File, $"part {shard} of a plan of {p.Header.Planned}, but {first.File} is part {first.Header.Shard} of a plan of {first.Header.Planned}");
            if (p.Header.Sweep != first.Header.Sweep)
                throw Error(p.File, $"from {Describe(p)}, but {first.File} is from {Describe(first)}");
            if (!byK.TryAdd(shard.K, p)) throw Error(p.File, $"part {shard} is given twice (also {byK[shard.K].File})");
        }
        int n = first.Header.Shard!.Value.N;
        var missing = Enumerable.Range(1, n).Where(k => !byK.ContainsKey(k)).Select(k => $"{k}/{n}").ToList();
        if (missing.Count > 0) throw Error(first.File, $"part(s) {string.Join(", ", missing)} missing: merge needs all {n} parts");

        var merged = parts.SelectMany(p => p.Results.Select(r => (p.File, r.Index, r.Entry, r.Result))).OrderBy(r => r.Index).ToList();
        for (int i = 0; i < merged.Count; i++)
            if (merged[i].Index != i)
                throw Error(merged[Math.Min(i, merged.Count - 1)].File, $"the parts do not cover the plan of {first.Header.Planned}: result {i} is {(merged[i].Index > i ? "missing" : "given twice")}");
        if (merged.Count != first.Header.Planned)
            throw Error(first.File, $"the parts hold {merged.Count} results, but the plan has {first.Header.Planned}");

        var results = merged.Select(m => m.Result).ToList();
        var header = new ScenarioReport.Header(Sweep: first.Header.Sweep);
        if (reportPath != null) ScenarioReport.WriteText("--report", reportPath, ScenarioReport.Serialize(results, merged.Select(m => (object?)m.Entry), header));
        int code = ScenarioRunCommand.Summarise(ScenarioRunCommand.PlainConsole(), results, ascii: true);
        if (first.Header.Sweep is not { } sweep) return code;
        ScenarioSweepCommand.WriteCharts(outDir, sweep.Scenario, results.Select(SweepRunner.PointOf).ToList(), sweep);
        return results.All(r => r.Passed) ? 0 : 1;
    }

    private static string Describe(ReadReport r) => r.Header.Sweep is { } s ? $"the sweep of {s.Scenario}" : "a scenario run";

    private static ScenarioException Error(string file, string what) => new(new SourceLocation(file, 0, 0), what);
}
