using Arm64Vm.Scenarios.Running;
using Spectre.Console;

namespace Arm64Vm.Cli;

/// <summary>The results table: one row per combination with the cost figures the strategy comparison needs.</summary>
public static class ScenarioTable
{
    public static Table Build(IEnumerable<CombinationResult> results, bool ascii)
    {
        var table = new Table().Border(ascii ? TableBorder.Ascii : TableBorder.Rounded);
        table.AddColumn("scenario");
        table.AddColumn("combination");
        table.AddColumn("result");
        table.AddColumn("why (first failure, or what was expected instead)");
        foreach (var h in new[] { "instructions", "stage-2 faults", "lines cleaned+inval", "dirty bytes written back", "I-cache invals", "VM flushes", "stale reads", "host s" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var r in results)
        {
            string verdict = r.Result;
            string colour = r.Skipped ? "grey" : r.MatchesExpected ? (r.Passed ? "green" : "yellow") : "red";
            string mark = r.Skipped || (r.MatchesExpected && r.Passed) ? "" : r.MatchesExpected ? $" (expected: {r.ExpectedFailure!.Fails})" : " (UNEXPECTED)";
            table.AddRow(
                Markup.Escape(r.Scenario),
                Markup.Escape(ShortLabel(r)),
                $"[{colour}]{Markup.Escape(verdict + mark)}[/]",
                Markup.Escape(Shorten(Why(r), 60)),
                r.Instructions.ToString("N0"),
                r.Counter("stage2-faults").ToString("N0"),
                r.Counter("lines-cleaned").ToString("N0"),
                r.Counter("dirty-bytes-written-back").ToString("N0"),
                r.Counter("icache-invalidations").ToString("N0"),
                r.Counter("vm-flushes").ToString("N0"),
                r.Counter("stale-reads").ToString("N0"),
                r.HostSeconds.ToString("F2"));
        }
        return table;
    }

    /// <summary>A mismatch says what was expected and what happened; otherwise the first failure and what it observed.</summary>
    public static string Why(CombinationResult r)
    {
        if (r.SkipReason is { } skip) return $"skipped: {skip}";
        if (r.Mismatch is { } mismatch) return mismatch;
        if (r.Failures.Count == 0) return "";
        var f = r.Failures[0];
        return $"{(f.ExpectId is { } id ? $"[{id}] " : "")}{f.What}: {f.Detail}";
    }

    /// <summary>"host.policy=kvm machine.features.fwb=false" → "policy=kvm fwb=false" (the report keeps full paths).</summary>
    public static string ShortLabel(CombinationResult r) =>
        r.Combination.Settings.Count == 0 ? "(as written)" : string.Join(" ", r.Combination.Settings.Select(s => $"{s.Path[(s.Path.LastIndexOf('.') + 1)..]}={s.Value.Value}"));

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
