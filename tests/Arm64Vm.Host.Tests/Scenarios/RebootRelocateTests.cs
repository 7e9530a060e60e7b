using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// The reboot stories (scenarios/reboot-relocate.yaml, write-after-init.yaml) are pinned by their YAML: the matrices,
/// the consoles, what memory (PoC) holds between the steps and the host's counters are expectations there
/// (tests/Arm64Vm.Scenarios.Tests/BundledScenarioTests runs them). What stays here is what the YAML cannot state:
/// the stage-2 entry of one page and the order of host events at one address (the scenario format exposes counters,
/// not stage 2 or the event log), a counter's change across a single step, and a guest that must never start.
/// </summary>
public class RebootRelocateTests
{
    private const ulong Table = 0x4008_1000;

    private static ScenarioRig Boot1Done(VmmOptions options)
    {
        var rig = new ScenarioRig("relocate", options);
        rig.RunUntil(StopReason.SystemReset);
        rig.RestoreImage();
        return rig;
    }

    /// <summary>H1/H2 at the table page itself: the re-init removes its stage-2 entry and cleans it; boot 2 faults it back (H3).</summary>
    [Fact]
    public void Kvm_ReinitUnmapsAndCleansTheTablePage_Boot2FaultsItBackIn()
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.Kvm });
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));
        rig.InitVcpus();
        Assert.Null(rig.Vm.Stage2.Lookup(Table));
        var tableEvents = rig.Vm.Events.Events.Where(e => e.Address == Table).Select(e => (e.Kind, e.Detail)).ToList();
        Assert.Contains((HostEventKind.Unmap, "Read, Write"), tableEvents);
        Assert.Contains((HostEventKind.CleanInvalidate, "unmap"), tableEvents);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Contains("boot 2 ok: table restored", rig.Console);
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));
    }

    /// <summary>Without the unmap the re-init leaves the entry and cleans nothing at all (a counter's change across one step).</summary>
    [Fact]
    public void NoUnmapOnInit_TheReinitLeavesTheMappingAndCleansNothing()
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.NoUnmapOnInit });
        long lines = rig.Counters.LinesCleanedInvalidated;
        rig.InitVcpus();
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Equal(lines, rig.Counters.LinesCleanedInvalidated);
    }

    [Fact]
    public void FwbUnderKvm_TheReinitKeepsTheTablePagesEntry()
    {
        using var rig = Boot1Done(new VmmOptions { Fwb = true });
        rig.InitVcpus();
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));
    }

    /// <summary>write-after-init under KVM: at the table page, boot 2's fault comes first, then the clean (H3), then the map.</summary>
    [Fact]
    public void WriteAfterInit_Kvm_TheFaultCleansBeforeItMaps()
    {
        using var rig = new ScenarioRig("relocate", new VmmOptions());
        rig.RunUntil(StopReason.SystemReset);
        rig.InitVcpus();
        rig.RestoreImage();
        rig.RunUntil(StopReason.SystemOff);
        Assert.Contains("boot 2 ok: table restored", rig.Console);
        var afterInit = rig.Vm.Events.Events.SkipWhile(e => !(e.Kind == HostEventKind.VcpuInit && e.Detail == "re-init"))
            .Where(e => e.Address == Table).Select(e => e.Kind).ToList();
        int fault = afterInit.LastIndexOf(HostEventKind.Stage2Fault), clean = afterInit.LastIndexOf(HostEventKind.CleanInvalidate), map = afterInit.LastIndexOf(HostEventKind.Map);
        Assert.True(fault >= 0 && fault < clean && clean < map, string.Join(",", afterInit));
    }

    /// <summary>
    /// Without the fault-time clean (H3) not even boot 1 runs: the VMM's first load sits dirty in the host's cache, the
    /// MMU-off guest fetches from memory, which holds zeros (UDF), and loops through its exception vector (also zeros)
    /// without printing anything. The evidence is a run that ends at its instruction limit, which a scenario's verdict
    /// never accepts as an expected failure (a run ending another way is always a mismatch there).
    /// </summary>
    [Fact]
    public void NoCmoOnFault_TheFirstLoadNeverReachesTheMmuOffGuest()
    {
        using var rig = new ScenarioRig("relocate", new VmmOptions { Policy = HostPolicy.NoCmoOnFault });
        Assert.Equal(StopReason.InstructionLimit, rig.Vmm.Run(20_000).Reason);
        Assert.Equal("", rig.Console);
        Assert.Equal(0UL, rig.PocValue(ScenarioRig.Load));
        Assert.Equal(rig.ImageWord(ScenarioRig.Load), rig.ReadGuest64(ScenarioRig.Load));
        Assert.Equal(0, rig.Counters.LinesCleanedInvalidated);
    }
}
