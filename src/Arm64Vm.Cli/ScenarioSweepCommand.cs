using System.CommandLine;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Sweep;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>`arm64vm scenario sweep FILE [--out DIR]`: runs the file's sweep, writes NAME-sweep.csv and NAME-sweep.svg.</summary>
public static class ScenarioSweepCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A scenario file with a 'sweep' key" };
        var outDir = new Option<string>("--out") { Description = "Directory for the CSV and SVG (default: the current directory)", DefaultValueFactory = _ => "." };
        var cmd = new Command("sweep", "Vary memory size and working set per policy; write CSV and an SVG chart") { file, outDir };
        cmd.SetAction(parse => ScenarioCommand.Guard(() => Execute(parse.GetValue(file)!, parse.GetValue(outDir)!)));
        return cmd;
    }

    public static int Execute(string file, string outDir)
    {
        var doc = ScenarioDocument.Load(file);
        var plan = SweepRunner.Plan(doc);
        var points = new List<SweepPoint>();
        foreach (var (combination, config, policy, memory, ws) in plan)
        {
            var r = ScenarioRunner.Run(doc, combination, config, new RunRequest());
            points.Add(new SweepPoint(policy, memory, ws, r));
            Console.WriteLine($"{policy,-22} memory {Scalars.FormatSize(memory),-7} working set {ws,6}: {r.Result,-4} " +
                              $"{doc.Sweep!.Metric} {r.Counter(doc.Sweep.Metric),10:N0}  faults {r.Counter("stage2-faults"),6:N0}  {r.HostSeconds:F2} s" +
                              (r.Passed ? "" : $"  ({r.FirstFailure})"));
        }
        try
        {
            Directory.CreateDirectory(outDir);
            string csv = Path.Combine(outDir, $"{doc.Name}-sweep.csv");
            string svg = Path.Combine(outDir, $"{doc.Name}-sweep.svg");
            File.WriteAllText(csv, SweepRunner.Csv(points));
            File.WriteAllText(svg, SweepRunner.Svg(points, doc.Sweep!.Metric, $"{doc.Name}: what each strategy costs as the working set grows"));
            Console.WriteLine($"wrote {csv} and {svg}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(new SourceLocation(outDir, 0, 0), $"--out: cannot write: {e.Message}");
        }
        return points.All(p => p.Result.Passed) ? 0 : 1;
    }
}
