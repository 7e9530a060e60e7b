using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Sweep;
using Spectre.Console;

namespace Arm64Vm.Cli;

/// <summary>`arm64vm scenario run`: plans every file first (bad input fails before anything runs), runs, prints the table.</summary>
public static class ScenarioRunCommand
{
    public static IAnsiConsole PlainConsole()
    {
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        plain.Profile.Width = 240;
        return plain;
    }

    public static int Execute(IReadOnlyList<string> files, RunRequest request, string? reportPath, IAnsiConsole? console = null, Shard? shard = null)
    {
        var plans = files.Select(f =>
        {
            var doc = ScenarioDocument.Load(f);
            return (Doc: doc, Plan: ScenarioRunner.Plan(doc, request));
        }).ToList();
        // The whole plan, in order: (file, index within the file's plan); --shard K/N keeps its part.
        var whole = plans.SelectMany(p => Enumerable.Range(0, p.Plan.Count).Select(i => (p.Doc, p.Plan, I: i))).ToList();
        var mine = (shard ?? new Shard(1, 1)).Of(whole).ToList();
        int total = mine.Count;
        bool interactive = console == null && !Console.IsOutputRedirected && AnsiConsole.Console.Profile.Capabilities.Interactive;
        // Not a terminal (a pipe, a file, CI): plain text, no colours, wide enough for the table.
        console ??= interactive ? AnsiConsole.Console : PlainConsole();
        var results = new List<CombinationResult>();

        void RunAll(Action<CombinationResult>? done)
        {
            foreach (var (_, (doc, plan, i)) in mine)
            {
                var r = ScenarioRunner.Run(doc, plan[i].Combination, plan[i].Config, request, i);
                results.Add(r);
                done?.Invoke(r);
            }
        }

        if (interactive && total > 1)
        {
            console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{total} combinations", maxValue: total);
                    RunAll(r =>
                    {
                        task.Increment(1);
                        task.Description = $"{r.Scenario}: {results.Count}/{total}";
                    });
                });
        }
        else
        {
            RunAll(r => Console.WriteLine($"{r.Scenario} [{r.Combination.Label}]: {r.Result}{(r.MatchesExpected ? "" : " (UNEXPECTED)")}" +
                                          $" {r.Instructions:N0} instructions, {r.HostSeconds:F2} s"));
        }

        if (reportPath != null)
            ScenarioReport.Write(reportPath, results, mine.Select(m => m.Index).ToList(),
                new ScenarioReport.Header(shard, whole.Count));
        return Summarise((IAnsiConsole)console, results, ascii: !interactive);
    }

    /// <summary>The table, the one-line verdict and every unexpected result (a run and a merge of shards print the same).</summary>
    public static int Summarise(IAnsiConsole console, IReadOnlyList<CombinationResult> results, bool ascii)
    {
        console.Write(ScenarioTable.Build(results, ascii));
        int mismatches = results.Count(r => !r.MatchesExpected);
        console.WriteLine(mismatches == 0
            ? $"{results.Count} result(s), every one as expected ({results.Count(r => r.Passed)} pass, {results.Count(r => !r.Passed && !r.Skipped)} fail" +
              $"{(results.Any(r => r.Skipped) ? $", {results.Count(r => r.Skipped)} skipped" : "")})"
            : $"{mismatches} of {results.Count} result(s) differ from their expected result");
        foreach (var reason in results.Where(r => r.Skipped).Select(r => $"{r.Scenario}: skipped: {r.SkipReason}").Distinct())
            console.WriteLine(reason);
        foreach (var r in results.Where(r => !r.MatchesExpected))
        {
            console.WriteLine($"  {r.Scenario} [{r.Combination.Label}]: {r.Mismatch} ({r.ExpectedSource})");
            foreach (var f in r.Failures) console.WriteLine($"    {f} [{f.Location}]");
        }
        return mismatches == 0 ? 0 : 1;
    }
}
