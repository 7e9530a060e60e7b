using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>
/// The bundled scenarios are the single source of truth of the ten stories: every file's whole matrix gives exactly
/// the results its expected table pins, and every failing combination fails for the reason its row names — the named
/// expect step and nothing else, having observed the row's value.
/// </summary>
public class BundledScenarioTests
{
    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(RepoPaths.Scenarios, "*.yaml").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    private static readonly string[] Stories =
    {
        "reboot-relocate", "write-after-init", "fwb-icache", "lazy-exec", "set-way-boot", "tvm-toggle", "cpu-on-stale", "dma-ivac", "smc-ctr",
        "dirty-log-migration",
    };

    [Fact]
    public void TheTenStoriesAreBundled()
    {
        var names = Directory.GetFiles(RepoPaths.Scenarios, "*.yaml").Select(f => ScenarioDocument.Load(f).Name).ToHashSet();
        foreach (var story in Stories) Assert.Contains(story, names);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryFailingRowOfABundledFileNamesItsReasonAndWhatItObserves(string file)
    {
        var doc = ScenarioDocument.Load(Path.Combine(RepoPaths.Scenarios, file));
        foreach (var row in doc.Expected.Where(r => !r.Pass))
        {
            Assert.NotNull(row.Failure);
            Assert.False(string.IsNullOrEmpty(row.Failure!.Observed), $"{row.Location}: a bundled failing row says what the failing expectation observes");
        }
        // Every row pins at least one combination of the matrix (no dead rows).
        var rowsUsed = doc.Combinations().Select(c => doc.ExpectedRowFor(doc.TreeFor(c, Array.Empty<Setting>()))).Where(r => r != null).ToHashSet();
        Assert.All(doc.Expected, row => Assert.Contains(row, rowsUsed));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void MatrixMatchesItsExpectedTableForThePinnedReasons(string file)
    {
        var doc = ScenarioDocument.Load(Path.Combine(RepoPaths.Scenarios, file));
        // A Linux story boots a fetched kernel for minutes per combination: LinuxRebootTests runs it (or checks its skip).
        if (ScenarioRunner.Plan(doc, new RunRequest { Matrix = true }).Any(p => p.Config.Boot != null || p.Config.SkipReason != null)) return;
        var results = ScenarioRunner.RunAll(doc, new RunRequest { Matrix = true });
        Assert.True(results.Count >= 2, "a bundled scenario runs a matrix");
        Assert.All(results, r => Assert.True(r.MatchesExpected, $"{r.Combination.Label}: {r.Mismatch}"));
        foreach (var r in results.Where(r => r.ExpectedFailure != null))
        {
            // Spelled out what Verdict.Mismatch checks: only the named step failed, and it saw the pinned value.
            var want = r.ExpectedFailure!;
            Assert.All(r.Failures, f => Assert.Equal((FailureKind.Expectation, want.Fails), (f.Kind, f.ExpectId)));
            Assert.Contains(r.Failures, f => Verdict.Observes(f, want.Observed!));
        }
        // Every story shows both sides: a faithful combination that passes, and one that does not.
        Assert.Contains(results, r => r.Passed);
        if (doc.Expected.Count > 0) Assert.Contains(results, r => !r.Passed);
    }
}
