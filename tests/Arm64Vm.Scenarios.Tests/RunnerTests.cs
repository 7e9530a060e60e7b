using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>The runner on tiny guests: the reboot story under policies and FWB, run-step endings, expectations, determinism.</summary>
public class RunnerTests
{
    private const string RebootYaml = """
        name: tiny-reboot
        summary: A miniature reboot story.
        machine: { memory: 32MiB }
        guest: { image: reboot.bin }
        steps:
          - run: { until: system-reset, max-instructions: 10000 }
          - expect: { id: boot-1, console-contains: "1\n" }
          - host-write: { image: reboot.bin, at: 0x40080000 }
          - vcpu-init: {}
          - run: { until: system-off, max-instructions: 10000 }
          - expect:
              id: boot-2
              console-contains: "2 R"
              stage2-faults: { min: 1 }
        matrix:
          host.policy: [kvm, no-unmap-on-init, eager-flush-on-init]
          machine.features.fwb: [false, true]
        expected:
          - { host.policy: no-unmap-on-init, machine.features.fwb: false, result: fail, fails: boot-2, observed: "2 S" }
        """;

    private static ScenarioDocument Reboot(ScenarioDir dir)
    {
        dir.Write("reboot.bin", TestGuests.Reboot());
        return dir.Load("reboot.yaml", RebootYaml);
    }

    [Fact]
    public void RebootMatrixPassesUnderKvmAndFailsWithoutUnmapWithoutFwb()
    {
        using var dir = new ScenarioDir();
        var results = ScenarioDir.Run(Reboot(dir), matrix: true);
        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.True(r.MatchesExpected, $"{r.Combination.Label}: {r.Result} {r.FirstFailure}"));
        var broken = Assert.Single(results, r => !r.Passed);
        Assert.Equal("host.policy=no-unmap-on-init machine.features.fwb=false", broken.Combination.Label);
        Assert.Contains("2 S", broken.Console);
        Assert.Contains("2 R", results[0].Console);
        Assert.Contains(broken.Failures, f => f.What == "console-contains '2 R'");
    }

    private static CombinationResult Broken(ScenarioDir dir, string row, params string[] settings)
    {
        dir.Write("reboot.bin", TestGuests.Reboot());
        var doc = dir.Load("reboot.yaml", RebootYaml.Replace("result: fail, fails: boot-2, observed: \"2 S\"", row));
        return ScenarioDir.Run(doc, false, new[] { "host.policy=no-unmap-on-init", "machine.features.fwb=false" }.Concat(settings).ToArray()).Single();
    }

    [Fact]
    public void AnExpectedFailureMatchesOnlyForItsReason()
    {
        using var dir = new ScenarioDir();
        var pinned = Broken(dir, "result: fail, fails: boot-2, observed: \"2 S\"");
        Assert.True(pinned.MatchesExpected, pinned.Mismatch);
        var f = Assert.Single(pinned.Failures);
        Assert.Equal(("boot-2", FailureKind.Expectation, "1\n2 S\n"), (f.ExpectId, f.Kind, f.Observed));
        // Without observed, the named step failing (and nothing else) is enough.
        Assert.True(Broken(dir, "result: fail, fails: boot-2").MatchesExpected);
    }

    [Fact]
    public void AnotherExpectationFailingIsAMismatch()
    {
        using var dir = new ScenarioDir();
        var r = Broken(dir, "result: fail, fails: boot-1");
        Assert.False(r.Passed);
        Assert.False(r.MatchesExpected);
        Assert.Equal("expected 'boot-1' fails, but 'boot-2' failed: console-contains '2 R': not in the console output (last line: '2 S')", r.Mismatch);
    }

    [Fact]
    public void ADifferentObservedValueIsAMismatch()
    {
        using var dir = new ScenarioDir();
        var r = Broken(dir, "result: fail, fails: boot-2, observed: \"2 X\"");
        Assert.False(r.MatchesExpected);
        Assert.StartsWith("expected 'boot-2' fails, observing '2 X', but it observed '1\\n2 S\\n'", r.Mismatch);
    }

    [Fact]
    public void ARunThatEndsAnotherWayIsNeverTheExpectedFailure()
    {
        using var dir = new ScenarioDir();
        // The instruction limit hits before boot 2 ends: boot-2 is never checked, the run step is what failed.
        var r = Broken(dir, "result: fail, fails: boot-2", "steps.4.run.max-instructions=3");
        Assert.False(r.MatchesExpected);
        Assert.Equal(FailureKind.Run, Assert.Single(r.Failures).Kind);
        Assert.StartsWith("expected 'boot-2' fails, but step 5 (run) ended another way: the run ended with instruction limit", r.Mismatch);
        // And a pass that does not happen names what failed instead.
        var kvm = ScenarioDir.Run(dir.Load("reboot.yaml", RebootYaml), false, "host.policy=kvm", "steps.4.run.max-instructions=3").Single();
        Assert.StartsWith("expected pass, but step 5 (run) ended another way", kvm.Mismatch);
    }

    [Fact]
    public void AnExpectedFailureThatPassesIsAMismatch()
    {
        using var dir = new ScenarioDir();
        var r = Broken(dir, "result: fail, fails: boot-2", "machine.cache-model=off");       // flat memory hides the bug
        Assert.True(r.Passed);
        Assert.Equal("expected 'boot-2' fails, but every expectation held", r.Mismatch);
    }

    [Fact]
    public void AHostErrorIsNeverTheExpectedFailure()
    {
        var r = new CombinationResult
        {
            Scenario = "s", File = "s.yaml", Combination = Combination.Base,
            ExpectedFailure = new ExpectedFailure("boot-2", null, new Arm64Vm.Scenarios.Yaml.SourceLocation("s.yaml", 1, 1)),
        };
        r.Failures.Add(new Failure("step 5 (run)", "host error", "InvalidOperationException: boom", "s.yaml:5:5", FailureKind.HostError));
        r.Failures.Add(new Failure("step 6 (expect)", "console-contains '2 R'", "not in the console output", "s.yaml:6:5", FailureKind.Expectation, "boot-2", ""));
        Assert.Equal("expected 'boot-2' fails, but step 5 (run) hit a host error: InvalidOperationException: boom", r.Mismatch);
    }

    [Fact]
    public void AnExpectStepWithWhenIsCheckedOnlyWhereItsConditionsHold()
    {
        using var dir = new ScenarioDir();
        dir.Write("reboot.bin", TestGuests.Reboot());
        var doc = dir.Load("reboot.yaml", RebootYaml.Replace("  - expect:\n      id: boot-2\n",
            "  - expect: { id: kvm-unmaps, when: { host.policy: kvm, machine.features.fwb: false }, pages-unmapped: 0 }\n  - expect:\n      id: boot-2\n"));
        var results = ScenarioDir.Run(doc, matrix: true);
        // pages-unmapped: 0 is false only under kvm without FWB (the re-init unmaps): that one combination fails there.
        var kvm = Assert.Single(results, r => !r.MatchesExpected);
        Assert.Equal("host.policy=kvm machine.features.fwb=false", kvm.Combination.Label);
        Assert.Equal("kvm-unmaps", Assert.Single(kvm.Failures).ExpectId);
        Assert.True(results.Single(r => r.Combination.Label == "host.policy=no-unmap-on-init machine.features.fwb=true").Passed);
    }

    [Fact]
    public void MemoryObservedValuesCompareAsHexBytes()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        const string Yaml = """
            guest: { image: off.bin }
            machine: { memory: 2MiB }
            steps:
              - host-fill: { at: 0x40100000, size: 16, value: 0x5a }
              - expect: { id: in-memory, memory: { at: 0x40100000, equals: "5a 5a 5a 5a", view: poc } }
            matrix:
              machine.cache-model: [state, off]
            expected:
              - { machine.cache-model: state, result: fail, fails: in-memory, observed: "OBSERVED" }
            """;
        // The host's fill is still in its cache: memory holds zeros, however the row spells them.
        foreach (var spelling in new[] { "00 00 00 00", "00000000", "0x00,0x00" })
        {
            var results = ScenarioDir.Run(dir.Load("m.yaml", Yaml.Replace("OBSERVED", spelling)), matrix: true);
            Assert.All(results, r => Assert.True(r.MatchesExpected, r.Mismatch));
        }
        var wrong = ScenarioDir.Run(dir.Load("m.yaml", Yaml.Replace("OBSERVED", "5a 5a")), matrix: true)[0];
        Assert.Equal("expected 'in-memory' fails, observing '5a 5a', but it observed '00 00 00 00'", wrong.Mismatch);
    }

    [Fact]
    public void EagerFlushCleansLinesAtInitWhileKvmUnmapsAndFaultsAgain()
    {
        using var dir = new ScenarioDir();
        var doc = Reboot(dir);
        var kvm = ScenarioDir.Run(doc, false, "host.policy=kvm").Single();
        var eager = ScenarioDir.Run(doc, false, "host.policy=eager-flush-on-init").Single();
        Assert.True(kvm.Passed && eager.Passed);
        Assert.True(kvm.Counter("pages-unmapped") > 0);
        Assert.Equal(0, eager.Counter("pages-unmapped"));
        Assert.True(eager.Counter("vm-flushes") >= 1);
        Assert.True(kvm.Counter("stage2-faults") > eager.Counter("stage2-faults"));
    }

    [Fact]
    public void SameFileAndSeedGiveIdenticalCountersAndConsole()
    {
        using var dir = new ScenarioDir();
        var doc = Reboot(dir);
        var a = ScenarioDir.Run(doc, matrix: true);
        var b = ScenarioDir.Run(doc, matrix: true);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Counters, b[i].Counters);
            Assert.Equal(a[i].Console, b[i].Console);
            Assert.Equal(a[i].Instructions, b[i].Instructions);
            Assert.Equal(a[i].Result, b[i].Result);
        }
    }

    [Fact]
    public void SetOverridesTheFileAndFixesAMatrixAxis()
    {
        using var dir = new ScenarioDir();
        var doc = Reboot(dir);
        var results = ScenarioDir.Run(doc, true, "host.policy=no-unmap-on-init");
        Assert.Equal(2, results.Count);                                    // only the fwb axis remains
        Assert.False(results[0].Passed);
        Assert.True(results[1].Passed);
        Assert.All(results, r => Assert.True(r.MatchesExpected));
        var off = ScenarioDir.Run(doc, false, "host.policy=no-unmap-on-init", "machine.cache-model=off").Single();
        Assert.True(off.Passed, off.FirstFailure);                         // flat memory hides the bug
    }

    [Fact]
    public void ARunThatEndsTheWrongWayFailsAndSkipsTheRest()
    {
        using var dir = new ScenarioDir();
        dir.Write("spin.bin", TestGuests.HelloSpin());
        var doc = dir.Load("spin.yaml", """
            guest: { image: spin.bin }
            machine: { memory: 2MiB, cache-model: off }
            steps:
              - run: { until: system-off, max-instructions: 500 }
              - expect: { console-contains: never }
            """);
        var r = ScenarioDir.Run(doc).Single();
        Assert.False(r.Passed);
        var f = Assert.Single(r.Failures);
        Assert.Equal("step 1 (run)", f.Step);
        Assert.Contains("instruction limit", f.Detail);
        Assert.Equal(500UL, r.Instructions);
        Assert.Equal(0, r.ChecksRun);
    }

    [Fact]
    public void UntilInstructionsPassesAtTheLimitAndExpectationsSeeCountersAndRegisters()
    {
        using var dir = new ScenarioDir();
        dir.Write("spin.bin", TestGuests.HelloSpin());
        var doc = dir.Load("spin.yaml", """
            guest: { image: spin.bin }
            machine: { memory: 2MiB }
            steps:
              - run: { until: instructions, max-instructions: 300 }
              - expect:
                  console-contains: hi
                  console-not-contains: bye
                  console-matches: "^hi$"
                  instructions: 300
                  mmio-exits: { min: 3, max: 3 }
                  vcpu-inits: 1
                  registers: { vcpu: 0, x8: 0x0a }
            """);
        var r = ScenarioDir.Run(doc).Single();
        Assert.True(r.Passed, r.FirstFailure);
        Assert.Equal(7, r.ChecksRun);
    }

    [Fact]
    public void FailedExpectationsAreAllReportedWithTheirValues()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        var doc = dir.Load("off.yaml", """
            guest: { image: off.bin }
            machine: { memory: 2MiB }
            steps:
              - run: {}
              - expect:
                  console-contains: "on"
                  mmio-exits: { equals: 99 }
                  memory: { at: 0x40100000, equals: "de ad be ef" }
                  exit-status: 0
            """);
        var r = ScenarioDir.Run(doc).Single();
        Assert.Equal(4, r.Failures.Count);
        Assert.Contains("last line: 'off'", r.Failures[0].Detail);
        Assert.Equal("it is 4", r.Failures[1].Detail);
        Assert.Contains("4 byte(s) differ", r.Failures[2].Detail);
        Assert.Contains("00000000 instead of deadbeef", r.Failures[2].Detail);
        Assert.Contains("not exited", r.Failures[3].Detail);
    }

    [Fact]
    public void HostWriteFillAndMemoryViews()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        var doc = dir.Load("w.yaml", """
            guest: { image: off.bin }
            machine: { memory: 2MiB }
            steps:
              - host-fill: { at: 0x40100000, size: 4KiB, value: 0x5a }
              - host-write: { bytes: "de ad be ef", at: 0x40100010 }
              - expect:
                  memory:
                    - { at: 0x40100000, equals: "5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a de ad be ef 5a" }
                    - { at: 0x40100010, equals: "00 00 00 00", view: poc }
            """);
        var r = ScenarioDir.Run(doc).Single();
        Assert.True(r.Passed, r.FirstFailure);                             // the host's writes are still in its cache
    }

    [Fact]
    public void SetRegistersParamsAndVcpuInitOfOneVcpu()
    {
        using var dir = new ScenarioDir();
        dir.Write("touch.bin", TestGuests.TouchPages());
        var doc = dir.Load("t.yaml", """
            params: { pages: 5 }
            guest: { image: touch.bin }
            machine: { memory: 32MiB }
            steps:
              - set-registers: { x1: "${pages}", x2: 100 }
              - run: { until: system-reset }
              - vcpu-init: { vcpu: 0 }
              - set-registers: { vcpu: 0, x1: "${pages}", x2: 200 }
              - run: { until: system-off }
              - expect:
                  memory:
                    - { at: 0x41000000, equals: "c8 00 00 00 00 00 00 00" }
                    - { at: 0x41004000, equals: "cc 00 00 00 00 00 00 00" }
                  stage2-translation-faults: { min: 12 }
            """);
        var r = ScenarioDir.Run(doc).Single();
        Assert.True(r.Passed, r.FirstFailure);
        var more = ScenarioDir.Run(doc, false, "params.pages=9").Single();
        Assert.True(more.Counter("stage2-translation-faults") >= r.Counter("stage2-translation-faults") + 8);
    }
}
