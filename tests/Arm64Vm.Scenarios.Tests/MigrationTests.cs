using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>Dirty-log migration rounds: the copy equals the source under kvm; the wrong harvest order loses a page.</summary>
public class MigrationTests
{
    private const string Yaml = """
        name: tiny-migration
        # FWB: the MMU-off guest's stores are then cacheable and coherent with the VMM's cacheable reads. Without it
        # they go to memory around the host's cached copy from the bulk pass, which then reads stale data.
        machine: { memory: 2MiB, features: { fwb: true } }
        guest: { image: writer.bin }
        steps:
          - set-registers: { x1: 3 }
          - run: { until: instructions, max-instructions: 2000 }
          - dirty-log: { enable: true }
          - migrate: { rounds: 4, run-instructions: 700, window-instructions: 50, final: true }
          - expect:
              id: logging
              write-protects: { min: 3 }
              lines-cleaned: 0                      # FWB: no CMO at faults, and none in dirty logging
              stage2-translation-faults: 4
          - expect: { id: copy, migrated-copy-equals-source: true }
        matrix:
          host.policy: [kvm, dirty-log-protect-before-harvest]
          machine.cache-model: [state, off]
        expected:
          - { host.policy: dirty-log-protect-before-harvest, result: fail, fails: copy, observed: "page(s) differ: 0x" }
        """;

    [Fact]
    public void MigrationMatchesUnderKvmAndLosesAPageWhenProtectingBeforeHarvest()
    {
        using var dir = new ScenarioDir();
        dir.Write("writer.bin", TestGuests.Writer());
        var results = ScenarioDir.Run(dir.Load("m.yaml", Yaml), matrix: true);
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.True(r.MatchesExpected, $"{r.Combination.Label}: {r.Result} {r.FirstFailure}"));
        Assert.All(results.Where(r => !r.Passed), r => Assert.True(r.FirstFailure.Contains("page(s) differ"), r.FirstFailure));
        Assert.All(results, r => Assert.Equal(5, r.Extra["migration-rounds"]));        // 4 rounds + the final one
    }

    [Fact]
    public void ManualProtectMigrationAlsoConverges()
    {
        using var dir = new ScenarioDir();
        dir.Write("writer.bin", TestGuests.Writer());
        var doc = dir.Load("m.yaml", Yaml.Replace("dirty-log: { enable: true }", "dirty-log: { enable: true, manual-protect: true }"));
        var r = ScenarioDir.Run(doc).Single();
        Assert.True(r.Passed, r.FirstFailure);
    }

    [Fact]
    public void MigrateWithoutDirtyLogFails()
    {
        using var dir = new ScenarioDir();
        dir.Write("writer.bin", TestGuests.Writer());
        var doc = dir.Load("m.yaml", Yaml.Replace("  - dirty-log: { enable: true }\n", ""));
        var r = ScenarioDir.Run(doc).Single();
        Assert.Contains("dirty logging is not enabled", r.FirstFailure);
    }
}
