using System.CommandLine;
using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Cli;

/// <summary>
/// `arm64vm scenario run|list|validate|sweep`: YAML scenarios (scenarios/README.md). Exit codes: 0 every result
/// matches its expected row, 1 some result does not, 2 bad input (reported as file:line:column: message).
/// </summary>
public static class ScenarioCommand
{
    public static Command Create()
    {
        var cmd = new Command("scenario", "Run, list, validate and sweep YAML coherence scenarios");
        cmd.Subcommands.Add(CreateRun());
        cmd.Subcommands.Add(CreateList());
        cmd.Subcommands.Add(CreateValidate());
        cmd.Subcommands.Add(ScenarioSweepCommand.Create());
        cmd.Subcommands.Add(ScenarioMergeCommand.Create());
        return cmd;
    }

    private static Command CreateRun()
    {
        var files = new Argument<string[]>("files") { Description = "Scenario files (YAML)", Arity = ArgumentArity.OneOrMore };
        var policy = new Option<string?>("--policy") { Description = "Host policy for every scenario (same as --set host.policy=P)" };
        var set = new Option<string[]>("--set") { Description = "Override a value: --set machine.features.fwb=true (repeatable)", AllowMultipleArgumentsPerToken = false };
        var matrix = new Option<bool>("--matrix") { Description = "Run every combination of each scenario's matrix" };
        var report = new Option<string?>("--report") { Description = "Write the results as JSON to FILE" };
        var traceDir = new Option<string?>("--trace-dir") { Description = "Write each combination's console, host events and summary to DIR" };
        var timeline = new Option<bool>("--timeline") { Description = "With --trace-dir: also write each combination's timeline, NAME.N.timeline.json (Chrome trace-event JSON for Perfetto)" };
        var shard = new Option<string?>("--shard") { Description = "Run part K of N of the combinations (K/N, e.g. 2/4; merge the parts' reports with 'scenario merge')" };
        var cmd = new Command("run", "Run scenarios and check their expectations") { files, policy, set, matrix, report, traceDir, timeline, shard };
        cmd.SetAction(parse => Guard(() =>
        {
            var overrides = (parse.GetValue(set) ?? Array.Empty<string>()).Select(s => RunRequest.ParseSetting(s)).ToList();
            if (parse.GetValue(policy) is { } p) overrides.Add(RunRequest.ParseSetting($"host.policy={p}", "--policy"));
            if (parse.GetValue(timeline) && parse.GetValue(traceDir) == null)
                throw new ScenarioException(new SourceLocation("--timeline", 0, 0), "needs --trace-dir DIR (one timeline file per combination is written there)");
            var request = new RunRequest { Overrides = overrides, Matrix = parse.GetValue(matrix), TraceDirectory = parse.GetValue(traceDir), Timeline = parse.GetValue(timeline) };
            var part = parse.GetValue(shard) is { } k ? Arm64Vm.Scenarios.Sweep.Shard.Parse(k) : (Arm64Vm.Scenarios.Sweep.Shard?)null;
            if (part != null && parse.GetValue(report) == null)
                throw new ScenarioException(new SourceLocation("--shard", 0, 0), "needs --report FILE (the part's results, for 'scenario merge')");
            return ScenarioRunCommand.Execute(parse.GetValue(files)!, request, parse.GetValue(report), shard: part);
        }));
        return cmd;
    }

    private static Command CreateList()
    {
        var dir = new Argument<string>("dir") { Description = "Directory to list (default: scenarios)", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "scenarios" };
        var cmd = new Command("list", "List the scenarios of a directory") { dir };
        cmd.SetAction(parse => Guard(() => List(parse.GetValue(dir)!)));
        return cmd;
    }

    private static Command CreateValidate()
    {
        var files = new Argument<string[]>("files") { Description = "Scenario files (YAML)", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("validate", "Check scenario files (every matrix combination) without running them") { files };
        cmd.SetAction(parse => Guard(() => Validate(parse.GetValue(files)!)));
        return cmd;
    }

    /// <summary>Bad input → one located line on stderr and exit code 2, never a stack trace.</summary>
    public static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (ScenarioException e)
        {
            Console.Error.WriteLine($"arm64vm: {e.Message}");
            return 2;
        }
    }

    public static int Validate(IEnumerable<string> files)
    {
        int bad = 0;
        foreach (var file in files)
        {
            try
            {
                var doc = ScenarioDocument.Load(file);
                int combinations = ScenarioRunner.ValidateAll(doc);
                Console.WriteLine($"ok  {file}: {doc.Name}, {combinations} combination(s)");
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"arm64vm: {e.Message}");
                bad++;
            }
        }
        return bad == 0 ? 0 : 2;
    }

    public static int List(string dir)
    {
        if (!Directory.Exists(dir)) throw new ScenarioException(new SourceLocation(dir, 0, 0), "no such directory");
        var files = Directory.GetFiles(dir, "*.yaml").Concat(Directory.GetFiles(dir, "*.yml")).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) Console.WriteLine($"no scenarios in {dir}");
        foreach (var file in files)
        {
            try
            {
                var doc = ScenarioDocument.Load(file);
                int combos = doc.Combinations().Count;
                Console.WriteLine($"{Path.GetFileName(file),-28} {doc.Name,-22} {combos,3} combination(s)  {doc.Summary}");
            }
            catch (ScenarioException e)
            {
                Console.WriteLine($"{Path.GetFileName(file),-28} (invalid: {e.Message})");
            }
        }
        return 0;
    }
}
