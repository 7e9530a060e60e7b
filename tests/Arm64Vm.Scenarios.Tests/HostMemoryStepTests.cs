using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Running;
using Arm64Vm.Scenarios.Yaml;
using Xunit;

namespace Arm64Vm.Scenarios.Tests;

/// <summary>The H13 steps (host-read, swap-page, break-cow): binding, located errors, and what they do to guest RAM.</summary>
public class HostMemoryStepTests
{
    private static string Yaml(string steps) => $"""
        name: t
        machine: {"{"} memory: 2MiB {"}"}
        guest: {"{"} image: off.bin {"}"}
        steps:
        {steps}
        """;

    private static ScenarioException Error(string steps)
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        string file = dir.Write("s.yaml", Yaml(steps));
        return Assert.Throws<ScenarioException>(() => ScenarioRunner.ValidateAll(ScenarioDocument.Load(file)));
    }

    [Theory]
    [InlineData("  - swap-page: { at: 0x40200000 }", "swap-page: 0x40200000+0x1 lies outside guest RAM")]
    [InlineData("  - swap-page: { }", "swap-page needs 'at'")]
    [InlineData("  - break-cow: { at: 0x40000ffc, bytes: \"01 02 03 04 05\" }", "must stay inside the page it breaks")]
    [InlineData("  - break-cow: { at: 0x40000000, bytes: \"zz\" }", "break-cow.bytes must be hex bytes")]
    [InlineData("  - host-read: { at: 0x40000000, size: 2MiB }", "host-read.size must be at most 1MiB")]
    [InlineData("  - host-read: { at: 0x40000000, colour: red }", "unknown key 'colour' in host-read")]
    public void BadHostMemoryStepsAreLocatedErrors(string step, string message)
    {
        var e = Error(step);
        Assert.Contains(message, e.Message);
        Assert.Equal(5, e.Location.Line);
    }

    [Fact]
    public void SwapAndCowStepsMovePagesAndKeepTheirContents()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        var doc = dir.Load("s.yaml", Yaml("""
              - host-write: { bytes: "11 22 33 44", at: 0x40100000 }
              - swap-page: { at: 0x40100002 }
              - expect: { swap-outs: 1, swap-ins: 0, mmu-notifier-invalidations: 1 }
              - host-read: { at: 0x40100000, size: 4 }
              - expect: { swap-ins: 1, memory: { at: 0x40100000, equals: "11 22 33 44" } }
              - break-cow: { at: 0x40100001, bytes: "aa" }
              - expect: { cow-breaks: 1, mmu-notifier-invalidations: 3, memory: { at: 0x40100000, equals: "11 aa 33 44" } }
            """));
        var result = Assert.Single(ScenarioDir.Run(doc));
        Assert.Empty(result.Failures);
        Assert.Equal(1, result.Counters["swap-ins"]);
    }

    [Fact]
    public void RunningOutOfHostFramesFailsTheCombinationWithoutACrash()
    {
        using var dir = new ScenarioDir();
        dir.Write("off.bin", TestGuests.HelloOff());
        // Each break leaves the old frame with the other sharer: 1 MiB of spare frames lasts 256 breaks.
        string steps = string.Join("\n", Enumerable.Repeat("  - break-cow: { at: 0x40100000 }", 257));
        var result = Assert.Single(ScenarioDir.Run(dir.Load("s.yaml", Yaml(steps))));
        var failure = Assert.Single(result.Failures);
        Assert.Equal("step 257 (break-cow)", failure.Step);
        Assert.Contains("out of spare frames", failure.Detail);
    }

    [Fact]
    public void H11_MachineHugePagesMapsBlocksInTheRebootStory()
    {
        var doc = ScenarioDocument.Load(Path.Combine(RepoPaths.Scenarios, "reboot-relocate.yaml"));
        var pages = Assert.Single(ScenarioDir.Run(doc, false, "host.policy=kvm"));
        var blocks = Assert.Single(ScenarioDir.Run(doc, false, "host.policy=kvm", "machine.hugepages=true"));
        Assert.Empty(blocks.Failures);
        Assert.Equal(0, pages.Counters["blocks-mapped"]);
        Assert.True(blocks.Counters["blocks-mapped"] > 0);
        Assert.True(blocks.Counters["stage2-faults"] < pages.Counters["stage2-faults"]);
        Assert.True(blocks.Counters["lines-cleaned"] > pages.Counters["lines-cleaned"]);
    }
}
