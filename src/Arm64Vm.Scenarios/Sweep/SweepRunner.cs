using System.Globalization;
using System.Text;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Sweep;

/// <summary>One run of a sweep: the policy, memory size and working set it used, and what it gave.</summary>
public sealed record SweepPoint(string Policy, ulong Memory, ulong WorkingSet, CombinationResult Result);

/// <summary>
/// Runs a scenario's <c>sweep:</c> — every policy × memory size × working set (the value of <c>params.working-set</c>,
/// which the scenario passes to its guest) — and writes the figures as CSV and an SVG chart of the chosen metric.
/// </summary>
public static class SweepRunner
{
    public static IReadOnlyList<(Combination Combination, ScenarioConfig Config, string Policy, ulong Memory, ulong WorkingSet)> Plan(ScenarioDocument doc)
    {
        var sweep = doc.Sweep ?? throw new ScenarioException(new SourceLocation(doc.File, 1, 1), "the scenario has no 'sweep' key");
        var reader = new NodeReader();
        var plan = new List<(Combination, ScenarioConfig, string, ulong, ulong)>();
        foreach (var policy in sweep.Policies)
            foreach (var memory in sweep.Memory)
                foreach (var ws in sweep.WorkingSet)
                {
                    var combination = new Combination(new[]
                    {
                        new Setting("host.policy", policy), new Setting("machine.memory", memory), new Setting("params.working-set", ws),
                    });
                    plan.Add((combination, doc.Bind(combination, Array.Empty<Setting>()), policy.Value,
                        reader.Size(memory, "sweep.memory"), reader.Number(ws, "sweep.working-set")));
                }
        return plan;
    }

    /// <summary>A sweep's point from its result (a report read back): the settings <see cref="Plan"/> gave it.</summary>
    public static SweepPoint PointOf(CombinationResult r)
    {
        YNode Setting(string path) => r.Combination.Settings.FirstOrDefault(s => s.Path == path)?.Value
            ?? throw new ScenarioException(new SourceLocation(r.File, 0, 0), $"a sweep result without '{path}' ({r.Combination.Label})");
        var reader = new NodeReader();
        return new SweepPoint(Setting("host.policy").Value, reader.Size(Setting("machine.memory"), "sweep.memory"),
            reader.Number(Setting("params.working-set"), "sweep.working-set"), r);
    }

    public static string Csv(IReadOnlyList<SweepPoint> points)
    {
        var counters = points.Count > 0 ? points[0].Result.Counters.Keys.ToList() : new List<string>();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', new[] { "policy", "memory-bytes", "working-set", "result", "instructions", "host-seconds" }.Concat(counters)));
        foreach (var p in points)
        {
            var cells = new List<string>
            {
                p.Policy, p.Memory.ToString(CultureInfo.InvariantCulture), p.WorkingSet.ToString(CultureInfo.InvariantCulture), p.Result.Result,
                p.Result.Instructions.ToString(CultureInfo.InvariantCulture), p.Result.HostSeconds.ToString("F4", CultureInfo.InvariantCulture),
            };
            cells.AddRange(counters.Select(c => p.Result.Counter(c).ToString(CultureInfo.InvariantCulture)));
            sb.AppendLine(string.Join(',', cells));
        }
        return sb.ToString();
    }

    /// <summary>The costs the chart draws, one panel each: counter name (or "host-seconds") and title.</summary>
    public static readonly IReadOnlyList<(string Cost, string Title)> Costs = new[]
    {
        ("lines-cleaned", "lines cleaned+invalidated"),
        ("stage2-faults", "stage-2 faults"),
        ("dirty-bytes-written-back", "dirty bytes written back"),
        ("vm-flushes", "VM flushes"),
        (HostSeconds, "host seconds (not deterministic)"),
    };

    /// <summary>The panel of the host's wall-clock time: the one cost a rerun does not reproduce.</summary>
    public const string HostSeconds = "host-seconds";

    /// <summary>
    /// The chart: small multiples, one panel per cost (the scenario's own metric first when it is not one of
    /// <see cref="Costs"/>), x = working set, one series per (policy, memory size).
    /// </summary>
    public static string Svg(IReadOnlyList<SweepPoint> points, string metric, string title)
    {
        var costs = Costs.Any(c => c.Cost == metric) ? Costs : new[] { (metric, metric) }.Concat(Costs).ToList();
        var panels = costs.Select(c => new SvgChart.Panel(c.Cost, c.Title, points.GroupBy(p => (p.Policy, p.Memory))
            .Select(g => new SvgChart.Series($"{g.Key.Policy}, {Scalars.FormatSize(g.Key.Memory)}", g.Key.Policy,
                g.OrderBy(p => p.WorkingSet).Select(p => ((double)p.WorkingSet, Value(p.Result, c.Cost))).ToList()))
            .ToList())).ToList();
        return SvgChart.Render(title, "working set (pages touched)", panels);
    }

    private static double Value(CombinationResult r, string cost) => cost == HostSeconds ? r.HostSeconds : r.Counter(cost);
}
