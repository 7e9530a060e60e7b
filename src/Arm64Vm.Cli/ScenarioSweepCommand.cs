using System.CommandLine;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Sweep;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>
/// `arm64vm scenario sweep FILE [--out DIR] [--report FILE] [--shard K/N]`: runs the file's sweep, writes NAME-sweep.csv
/// and NAME-sweep.svg; a shard runs its part and writes only its report, NAME-sweep.shard-K-of-N.json, for
/// `scenario merge` to turn into the CSV and SVG.
/// </summary>
public static class ScenarioSweepCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A scenario file with a 'sweep' key" };
        var outDir = new Option<string>("--out") { Description = "Directory for the CSV and SVG (default: the current directory)", DefaultValueFactory = _ => "." };
        var report = new Option<string?>("--report") { Description = "Also write the results as JSON to FILE" };
        var shard = new Option<string?>("--shard") { Description = "Run part K of N of the sweep (K/N); writes NAME-sweep.shard-K-of-N.json to --out for 'scenario merge'" };
        var cmd = new Command("sweep", "Vary memory size and working set per policy; write CSV and an SVG chart") { file, outDir, report, shard };
        cmd.SetAction(parse => ScenarioCommand.Guard(() => Execute(parse.GetValue(file)!, parse.GetValue(outDir)!, parse.GetValue(report),
            parse.GetValue(shard) is { } k ? Shard.Parse(k) : null)));
        return cmd;
    }

    public static string Title(string scenario) => $"{scenario}: what each strategy costs as the working set grows";

    public static int Execute(string file, string outDir, string? reportPath = null, Shard? shard = null)
    {
        var doc = ScenarioDocument.Load(file);
        var plan = SweepRunner.Plan(doc);
        var mine = (shard ?? new Shard(1, 1)).Of(plan).ToList();
        var points = new List<SweepPoint>();
        foreach (var (_, (combination, config, policy, memory, ws)) in mine)
        {
            var r = ScenarioRunner.Run(doc, combination, config, new RunRequest());
            points.Add(new SweepPoint(policy, memory, ws, r));
            Console.WriteLine($"{policy,-22} memory {Scalars.FormatSize(memory),-7} working set {ws,6}: {r.Result,-4} " +
                              $"{doc.Sweep!.Metric} {r.Counter(doc.Sweep.Metric),10:N0}  faults {r.Counter("stage2-faults"),6:N0}  {r.HostSeconds:F2} s" +
                              (r.Passed ? "" : $"  ({r.FirstFailure})"));
        }
        var results = points.Select(p => p.Result).ToList();
        var header = new ScenarioReport.Header(shard, plan.Count, new ScenarioReport.SweepHeader(doc.Name, doc.Sweep!.Metric, Title(doc.Name)));
        var indices = mine.Select(m => m.Index).ToList();
        CreateDirectory(outDir);
        if (shard is { } part)
        {
            string json = Path.Combine(outDir, $"{doc.Name}-sweep.shard-{part.K}-of-{part.N}.json");
            ScenarioReport.Write(json, results, indices, header);
            Console.WriteLine($"wrote {json} (part {part} of the sweep; 'scenario merge' writes the CSV and SVG)");
        }
        else WriteCharts(outDir, doc.Name, points, header.Sweep!);
        if (reportPath != null) ScenarioReport.Write(reportPath, results, indices, header);
        return points.All(p => p.Result.Passed) ? 0 : 1;
    }

    /// <summary>NAME-sweep.csv and NAME-sweep.svg in <paramref name="outDir"/> (a sweep, or a merge of its shards).</summary>
    public static void WriteCharts(string outDir, string scenario, IReadOnlyList<SweepPoint> points, ScenarioReport.SweepHeader sweep)
    {
        CreateDirectory(outDir);
        string csv = Path.Combine(outDir, $"{scenario}-sweep.csv");
        string svg = Path.Combine(outDir, $"{scenario}-sweep.svg");
        ScenarioReport.WriteText("--out", csv, SweepRunner.Csv(points));
        ScenarioReport.WriteText("--out", svg, SweepRunner.Svg(points, sweep.Metric, sweep.Title));
        Console.WriteLine($"wrote {csv} and {svg}");
    }

    private static void CreateDirectory(string dir)
    {
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(new SourceLocation(dir, 0, 0), $"--out: cannot write: {e.Message}");
        }
    }
}
