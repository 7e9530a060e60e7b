using Arm64Vm.Host.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Scenarios;

/// <summary>
/// Stories 1 and 2 of issue #6 with scenarios/guests/relocate.S — the reboot story of issue #5 end to end: the guest
/// relocates itself, overwrites its table page with the MMU off and requests SYSTEM_RESET; the VMM restores the image
/// through the host's cacheable path (the restored words sit dirty in the host's cache) and re-inits the vCPU; boot 2,
/// MMU off, reads memory: it sees the restore only if something cleaned the host's lines to PoC before the access
/// (H1/H2: the unmap at re-init; H3: the clean before a fault publishes a mapping; or FWB, which makes the MMU-off
/// access cacheable and coherent with the host).
/// </summary>
public class RebootRelocateTests
{
    private const ulong Table = 0x4008_1000;
    private const ulong TableBase = 0x7AB1_E000_0000_0000, TableStep = 0x0000_0001_0001_0001;
    private const string Boot1 =
        "relocate: boot 1\nboot 1 table ok\nboot 1 relocated, running at 0x00000000406000c0\n" +
        "boot 1 overwrote the table with the MMU off: words changed 64\nboot 1 SYSTEM_RESET\n";
    private const string Ok = "relocate: boot 2\nboot 2 ok: table restored\n";
    private const string Stale = "relocate: boot 2\nboot 2 stale: 64 of 64 words differ, first at index 0: 0x854e1fffffffffff\n";

    private static ulong Expected(int i) => TableBase + (ulong)i * TableStep;

    private static ScenarioRig Boot1Done(VmmOptions options)
    {
        var rig = new ScenarioRig("relocate", options);
        rig.RunUntil(StopReason.SystemReset);
        Assert.Equal(Boot1, rig.Console);
        return rig;
    }

    [Fact]
    public void RebootStory_Kvm_UnmapAtReinitCleansTheHostsRestoreToMemory_Boot2SeesTheImage()
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.Kvm });
        // Boot 1 wrote ~expected straight to memory; its copy of the image at RELOC is intact.
        Assert.Equal(~Expected(0), rig.PocValue(Table));
        Assert.Equal(rig.ImageWord(Table), rig.PocValue(0x4060_0000 + (Table - ScenarioRig.Load)));
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));

        rig.RestoreImage();
        // The restore is in the host's cache, not yet in memory: an MMU-off read now would be stale.
        Assert.Equal(Expected(0), rig.ReadGuest64(Table));
        Assert.Equal(~Expected(0), rig.PocValue(Table));

        rig.InitVcpus();
        // H1/H2: the re-init unmapped the table page and cleaned+invalidated it to PoC.
        Assert.Null(rig.Vm.Stage2.Lookup(Table));
        for (int i = 0; i < 64; i++) Assert.Equal(Expected(i), rig.PocValue(Table + (ulong)i * 8));
        var tableEvents = rig.Vm.Events.Events.Where(e => e.Address == Table).Select(e => (e.Kind, e.Detail)).ToList();
        Assert.Contains((HostEventKind.Unmap, "Read, Write"), tableEvents);
        Assert.Contains((HostEventKind.CleanInvalidate, "unmap"), tableEvents);

        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + Ok, rig.Console);
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));                  // boot 2 faulted it back in (H3)
        Assert.Equal(2UL, rig.ReadGuest64(ScenarioRig.BootInfo + 8));      // the boot counter survived the reset
    }

    [Fact]
    public void RebootStory_NoUnmapOnInit_TheMappingSurvivesAndBoot2ReadsStaleWordsFromMemory()
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.NoUnmapOnInit });
        rig.RestoreImage();
        long lines = rig.Counters.LinesCleanedInvalidated;
        rig.InitVcpus();
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Equal(lines, rig.Counters.LinesCleanedInvalidated);
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + Stale, rig.Console);
        // The restore is still only in the host's cache: memory keeps boot 1's words.
        Assert.Equal(~Expected(0), rig.PocValue(Table));
        Assert.Equal(Expected(0), rig.ReadGuest64(Table));
    }

    [Fact]
    public void RebootStory_NoUnmapOnInitWithFwb_TheMmuOffReadIsCacheableAndSeesTheRestore()
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.NoUnmapOnInit, Fwb = true });
        rig.RestoreImage();
        rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + Ok, rig.Console);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Equal(0, rig.Counters.LinesCleanedInvalidated);          // FWB: no cache maintenance at all
    }

    [Fact]
    public void RebootStory_FwbUnderKvm_LeavesStage2AloneAndCleansNothing()
    {
        using var rig = Boot1Done(new VmmOptions { Fwb = true });
        rig.RestoreImage();
        rig.InitVcpus();
        Assert.NotNull(rig.Vm.Stage2.Lookup(Table));
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + Ok, rig.Console);
        Assert.Equal(0, rig.Counters.PagesUnmapped);
        Assert.Equal(0, rig.Counters.LinesCleanedInvalidated);
    }

    [Fact]
    public void RebootStory_CacheModelOff_IsCoherentWhateverTheHostDoes()
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.NoUnmapOnInit, CacheModel = CacheModelKind.Off });
        rig.RestoreImage();
        rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + Ok, rig.Console);
    }

    /// <summary>The reboot-relocate matrix of issue #6 (restore, then vcpu-init, as QEMU resets).</summary>
    [Theory]
    [InlineData("kvm", false, "state", true)]
    [InlineData("kvm", true, "state", true)]
    [InlineData("no-unmap-on-init", false, "state", false)]
    [InlineData("no-unmap-on-init", true, "state", true)]
    [InlineData("no-unmap-on-init", false, "off", true)]
    [InlineData("eager-flush-on-init", false, "state", true)]
    [InlineData("eager-flush-on-init", true, "state", true)]
    public void RebootRelocateMatrix(string policy, bool fwb, string cacheModel, bool boot2Ok)
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.Parse(policy), Fwb = fwb, CacheModel = CacheModel.Parse(cacheModel) });
        rig.RestoreImage();
        rig.InitVcpus();
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + (boot2Ok ? Ok : Stale), rig.Console);
    }

    /// <summary>
    /// Story 2 (write-after-init): the VMM restores the image after the re-init. Under KVM the table page is unmapped at
    /// the init, so boot 2's first access faults and the fault-time clean (H3) pushes the late restore to memory; the
    /// eager flush at init cleans what was there before the restore, leaves the page mapped, and boot 2 reads memory
    /// that never received the restore.
    /// </summary>
    [Theory]
    [InlineData("kvm", false, true)]
    [InlineData("eager-flush-on-init", false, false)]
    [InlineData("no-unmap-on-init", false, false)]
    [InlineData("eager-flush-on-init", true, true)]
    public void WriteAfterInit(string policy, bool fwb, bool boot2Ok)
    {
        using var rig = Boot1Done(new VmmOptions { Policy = HostPolicy.Parse(policy), Fwb = fwb });
        rig.InitVcpus();
        rig.RestoreImage();
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + (boot2Ok ? Ok : Stale), rig.Console);
    }

    [Fact]
    public void WriteAfterInit_Kvm_TheFaultTimeCleanIsWhatSavesBoot2()
    {
        using var rig = Boot1Done(new VmmOptions());
        rig.InitVcpus();
        rig.RestoreImage();
        Assert.Equal(~Expected(0), rig.PocValue(Table));               // the late restore is only in the host's cache
        rig.RunUntil(StopReason.SystemOff);
        Assert.Equal(Boot1 + Ok, rig.Console);
        var afterInit = rig.Vm.Events.Events.SkipWhile(e => !(e.Kind == HostEventKind.VcpuInit && e.Detail == "re-init"))
            .Where(e => e.Address == Table).Select(e => e.Kind).ToList();
        int fault = afterInit.LastIndexOf(HostEventKind.Stage2Fault), clean = afterInit.LastIndexOf(HostEventKind.CleanInvalidate), map = afterInit.LastIndexOf(HostEventKind.Map);
        Assert.True(fault >= 0 && fault < clean && clean < map, string.Join(",", afterInit));
    }

    /// <summary>
    /// Without the fault-time clean (H3) not even boot 1 runs: the VMM's first load sits dirty in the host's cache, the
    /// MMU-off guest fetches from memory, which holds zeros (UDF), and loops through its exception vector (also zeros)
    /// without printing anything.
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
