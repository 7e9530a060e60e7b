using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>Every bundled scenario's whole matrix gives exactly the results its expected table pins.</summary>
public class BundledScenarioTests
{
    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(RepoPaths.Scenarios, "*.yaml").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void TheTenStoriesAreBundled()
    {
        var names = Directory.GetFiles(RepoPaths.Scenarios, "*.yaml").Select(f => ScenarioDocument.Load(f).Name).ToHashSet();
        foreach (var story in new[] { "reboot-relocate", "write-after-init", "fwb-icache", "lazy-exec", "set-way-boot", "tvm-toggle", "cpu-on-stale", "dma-ivac", "smc-ctr", "dirty-log-migration" })
            Assert.Contains(story, names);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void MatrixMatchesItsExpectedTable(string file)
    {
        var doc = ScenarioDocument.Load(Path.Combine(RepoPaths.Scenarios, file));
        var results = ScenarioRunner.RunAll(doc, new RunRequest { Matrix = true });
        Assert.True(results.Count >= 2, "a bundled scenario runs a matrix");
        Assert.All(results, r => Assert.True(r.MatchesExpected,
            $"{r.Combination.Label}: {r.Result}, expected {(r.ExpectedPass ? "pass" : "fail")}: {string.Join("; ", r.Failures)}"));
        // Every story shows both sides: a faithful combination that passes, and one that does not.
        Assert.Contains(results, r => r.Passed);
        if (doc.Expected.Count > 0) Assert.Contains(results, r => !r.Passed);
    }
}
