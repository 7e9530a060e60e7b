using System.CommandLine;
using System.Text.Json;
using Arm64Vm.Cli;
using Arm64Vm.Scenarios.Running;
using Spectre.Console;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>`arm64vm scenario …`: exit codes 0/1/2, the table, the JSON report, list, validate, sweep.</summary>
[Collection("console")]
public class CliTests
{
    private const string Reboot = """
        name: tiny-reboot
        machine: { memory: 32MiB }
        guest: { image: reboot.bin }
        steps:
          - run: { until: system-reset, max-instructions: 10000 }
          - host-write: { image: reboot.bin, at: 0x40080000 }
          - vcpu-init: {}
          - run: { until: system-off, max-instructions: 10000 }
          - expect: { id: boot-2, console-contains: "2 R" }
        matrix:
          host.policy: [kvm, no-unmap-on-init]
        expected:
          - { host.policy: no-unmap-on-init, result: fail, fails: boot-2, observed: "2 S" }
        """;

    internal static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var root = new RootCommand { ScenarioCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var parse = root.Parse(args);
            Assert.Empty(parse.Errors);
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private static (int Code, string Text) RunWithTable(IReadOnlyList<string> files, RunRequest request, string? report = null)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 250;
        var oldOut = Console.Out;
        Console.SetOut(new StringWriter());
        try { return (ScenarioRunCommand.Execute(files, request, report, console), writer.ToString()); }
        finally { Console.SetOut(oldOut); }
    }

    [Fact]
    public void MatrixAsExpectedExitsZeroAndPrintsTheTableAndReport()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        string file = dir.Write("r.yaml", Reboot);
        string report = Path.Combine(dir.Path, "report.json");
        var (code, text) = RunWithTable(new[] { file }, new RunRequest { Matrix = true }, report);
        Assert.Equal(0, code);
        Assert.Contains("policy=kvm", text);
        Assert.Contains("fail (expected: boot-2)", text);
        Assert.Contains("[boot-2] console-contains '2 R'", text);
        Assert.Contains("console-contains '2 R'", text);
        Assert.Contains("stage-2 faults", text);
        Assert.Contains("2 result(s), every one as expected (1 pass, 1 fail)", text);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal("fail", results[1].GetProperty("result").GetString());
        Assert.True(results[1].GetProperty("matchesExpected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("mismatch").ValueKind);
        Assert.Equal("boot-2", results[1].GetProperty("expectedFailure").GetProperty("fails").GetString());
        var failure = results[1].GetProperty("failures")[0];
        Assert.Equal("expectation", failure.GetProperty("kind").GetString());
        Assert.Equal("boot-2", failure.GetProperty("expect").GetString());
        Assert.Equal("1\n2 S\n", failure.GetProperty("observed").GetString());
        Assert.True(results[0].GetProperty("counters").GetProperty("stage2-faults").GetInt64() > 0);
        Assert.Equal(0, json.RootElement.GetProperty("summary").GetProperty("unexpected").GetInt32());
    }

    [Fact]
    public void AResultThatDiffersFromExpectedExitsOne()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        string file = dir.Write("r.yaml", Reboot.Replace("result: fail, fails: boot-2, observed: \"2 S\"", "result: pass"));
        var (code, text) = RunWithTable(new[] { file }, new RunRequest { Matrix = true });
        Assert.Equal(1, code);
        Assert.Contains("UNEXPECTED", text);
        Assert.Contains("1 of 2 result(s) differ from their expected result", text);
        Assert.Contains("expected pass, but 'boot-2' failed: console-contains '2 R'", text);
    }

    [Fact]
    public void TraceDirectoryGetsConsoleEventsAndSummary()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        string file = dir.Write("r.yaml", Reboot);
        string traces = Path.Combine(dir.Path, "traces");
        var (code, _) = RunWithTable(new[] { file }, new RunRequest { TraceDirectory = traces });
        Assert.Equal(0, code);
        Assert.Equal("1\n2 R\n", File.ReadAllText(Path.Combine(traces, "tiny-reboot.0.console.txt")));
        Assert.Contains("VcpuInit", File.ReadAllText(Path.Combine(traces, "tiny-reboot.0.events.txt")));
        Assert.Contains("result: pass", File.ReadAllText(Path.Combine(traces, "tiny-reboot.0.summary.txt")));
    }

    [Fact]
    public void BadInputExitsTwoWithALocatedMessageAndNoStackTrace()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        string file = dir.Write("r.yaml", Reboot.Replace("max-instructions: 10000 }\n  - host-write", "max-instructions: 10000, colour: red }\n  - host-write"));
        var (code, _, err) = Invoke("scenario", "run", file);
        Assert.Equal(2, code);
        Assert.Equal($"arm64vm: {file}:5:58: unknown key 'colour' in run (known: until, max-instructions)", err.Trim());
        var (code2, _, err2) = Invoke("scenario", "run", Path.Combine(dir.Path, "nothing.yaml"));
        Assert.Equal(2, code2);
        Assert.Contains("nothing.yaml: file not found", err2);
        var (code3, _, err3) = Invoke("scenario", "run", dir.Write("ok.yaml", Reboot), "--set", "machine.memory=huge");
        Assert.Equal(2, code3);
        Assert.Contains("--set machine.memory=huge: machine.memory must be a size", err3);
        Assert.DoesNotContain(" at Arm64Vm", err + err2 + err3);
    }

    [Fact]
    public void PolicyOptionFixesThePolicyAxis()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        string file = dir.Write("r.yaml", Reboot);
        var (code, text) = RunWithTable(new[] { file }, new RunRequest { Matrix = true, Overrides = new[] { RunRequest.ParseSetting("host.policy=no-unmap-on-init", "--policy") } });
        Assert.Equal(0, code);
        Assert.Contains("1 result(s), every one as expected (0 pass, 1 fail)", text);
    }

    [Fact]
    public void ValidateAndList()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        string good = dir.Write("a.yaml", Reboot);
        string bad = dir.Write("b.yaml", Reboot.Replace("[kvm, no-unmap-on-init]", "[kvm, no-unmap]"));
        var (code, stdout, stderr) = Invoke("scenario", "validate", good, bad);
        Assert.Equal(2, code);
        Assert.Contains($"ok  {good}: tiny-reboot, 2 combination(s)", stdout);
        Assert.Contains($"{bad}:11:22: host.policy must be one of", stderr);
        var (listCode, listing, _) = Invoke("scenario", "list", dir.Path);
        Assert.Equal(0, listCode);
        Assert.Contains("a.yaml", listing);
        Assert.Contains("2 combination(s)", listing);
        Assert.Contains("b.yaml", listing);
    }

    [Fact]
    public void SweepWritesCsvAndSvg()
    {
        using var dir = new ScenarioDir();
        string file = WriteTouchSweep(dir);
        string outDir = Path.Combine(dir.Path, "out");
        var (code, stdout, _) = Invoke("scenario", "sweep", file, "--out", outDir);
        Assert.Equal(0, code);
        var csv = File.ReadAllLines(Path.Combine(outDir, "touch-sweep.csv"));
        Assert.Equal(1 + 2 * 2 * 3, csv.Length);
        Assert.StartsWith("policy,memory-bytes,working-set,result,instructions,host-seconds,", csv[0]);
        int col = Array.IndexOf(csv[0].Split(','), "lines-cleaned");
        long Lines(string policy, int ws) => long.Parse(csv.Single(l => l.StartsWith($"{policy},{32 << 20},{ws},", StringComparison.Ordinal)).Split(',')[col]);
        Assert.True(Lines("kvm", 16) > Lines("kvm", 1));                   // more pages touched, more lines maintained
        Assert.True(Lines("eager-flush-on-init", 16) > Lines("eager-flush-on-init", 1));
        string svg = File.ReadAllText(Path.Combine(outDir, "touch-sweep.svg"));
        Assert.StartsWith("<svg", svg);
        // Small multiples: five costs, each panel one line per (policy, memory).
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(svg, "<g id=\"panel-").Count);
        Assert.Equal(5 * 4, System.Text.RegularExpressions.Regex.Matches(svg, "<polyline").Count);
        Assert.Contains("kvm, 32MiB", svg);
        Assert.Contains("wrote", stdout);
        System.Xml.Linq.XDocument.Parse(svg);                              // well-formed XML
    }

    /// <summary>A sweep of the touch-pages guest: 2 policies × 2 memory sizes × 3 working sets.</summary>
    internal static string WriteTouchSweep(ScenarioDir dir)
    {
        dir.Write("touch.bin", TestGuests.TouchPages());
        return dir.Write("s.yaml", """
            name: touch
            params: { working-set: 1 }
            machine: { memory: 32MiB }
            guest: { image: touch.bin }
            steps:
              - set-registers: { x1: "${working-set}" }
              - run: { until: system-reset }
              - vcpu-init: {}
              - set-registers: { x1: "${working-set}" }
              - run: { until: system-off }
            sweep:
              memory: [32MiB, 64MiB]
              working-set: [1, 4, 16]
            """);
    }
}
