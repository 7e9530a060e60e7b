using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;
using Hcr = Arm64Vm.Cpu.Hcr;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H1 (vCPU init) and H2 (unmap) of specs/kvm-host.md.</summary>
public class InitAndUnmapTests
{
    private const ulong Data = 0x4010_0000;

    /// <summary>Reads one data page and powers off.</summary>
    private static uint[] TouchData() => Concat(Mov(6, Data), new[] { LdrX(5, 6) }, SystemOff());

    [Fact]
    public void H1_FirstInitDoesNothingToStage2()
    {
        using var rig = new KvmRig(TouchData());
        Assert.Empty(rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20));
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Single(rig.Vm.Events.OfKind(HostEventKind.VcpuInit), e => e.Detail == "first");
        Assert.Equal(0, rig.Vm.Counters.LinesCleanedInvalidated);
    }

    [Fact]
    public void H1_ReinitWithoutFwbUnmapsEveryRamPage()
    {
        using var rig = new KvmRig(TouchData());
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        var mapped = rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20);
        Assert.Equal(2, mapped.Count);                                   // the code page and the data page
        rig.Vcpu.Init();
        Assert.Empty(rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20));
        Assert.Equal(2, rig.Vm.Events.OfKind(HostEventKind.Unmap).Count());
        Assert.Equal(2, rig.Vm.Counters.PagesUnmapped);
    }

    [Fact]
    public void H1_ReinitWithFwbKeepsStage2AndInvalidatesAllIcaches()
    {
        using var rig = new KvmRig(TouchData(), new VmmOptions { Fwb = true });
        rig.Run();
        int before = rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20).Count;
        long icache = rig.Vm.Counters.IcacheInvalidations;
        rig.Vcpu.Init();
        Assert.Equal(before, rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20).Count);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Equal(icache + 1, rig.Vm.Counters.IcacheInvalidations);
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "init-all");
    }

    [Fact]
    public void H1_ReinitWithFwbAndDicSkipsTheIcacheInvalidation()
    {
        // icache_inval_all_pou() returns at once on a CPU with DIC: the I-cache is coherent with the data side.
        using var rig = new KvmRig(TouchData(), new VmmOptions { Fwb = true, Dic = true });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        long icache = rig.Vm.Counters.IcacheInvalidations;
        rig.Vcpu.Init();
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.VcpuInit), e => e.Detail == "re-init");
        Assert.Equal(icache, rig.Vm.Counters.IcacheInvalidations);
        Assert.DoesNotContain(rig.Vm.Events.OfKind(HostEventKind.IcacheInvalidate), e => e.Detail == "init-all");
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
    }

    [Fact]
    public void H1_AnyRunOfAnInitialisedVcpuCountsAsHasRunEvenPoweredOff()
    {
        using var rig = new KvmRig(TouchData(), cpus: 2);
        var secondary = rig.Vmm.Vcpus[1];
        Assert.True(secondary.PoweredOff);
        Assert.False(secondary.HasRun);
        Assert.Equal(VcpuExitReason.PoweredOff, secondary.Run(100).Reason);
        Assert.True(secondary.HasRun);                                   // vcpu_has_run_once: the pid is recorded
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);            // vCPU 0 maps its code and data pages
        secondary.Init(powerOff: true);
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.VcpuInit), e => e.Vcpu == 1 && e.Detail == "re-init");
        Assert.Equal(2, rig.Vm.Events.OfKind(HostEventKind.Unmap).Count(e => e.Vcpu == 1));   // its re-init unmaps stage 2
    }

    [Fact]
    public void H1_ResetHcrHasKvmTrapsTvmOnlyWithoutFwb()
    {
        using var plain = new KvmRig(TouchData());
        ulong hcr = plain.Vcpu.Hcr;
        foreach (ulong bit in new[] { Hcr.VM, Hcr.TSW, Hcr.SWIO, Hcr.FB, Hcr.BSU_IS, Hcr.PTW, Hcr.TID2, Hcr.TVM })
            Assert.True((hcr & bit) != 0, $"HCR_EL2 bit 0x{bit:X} missing from 0x{hcr:X}");
        Assert.Equal(0UL, hcr & Hcr.FWB);

        using var fwb = new KvmRig(TouchData(), new VmmOptions { Fwb = true });
        Assert.Equal(0UL, fwb.Vcpu.Hcr & Hcr.TVM);
        Assert.NotEqual(0UL, fwb.Vcpu.Hcr & Hcr.FWB);
        // The PE advertises FEAT_S2FWB (ID_AA64MMFR2_EL1.FWB, bits [43:40]) only when the VM has it.
        Assert.Equal(1UL, (fwb.Vcpu.Cpu.SysRegs.Get("ID_AA64MMFR2_EL1") >> 40) & 0xF);
        Assert.Equal(0UL, (plain.Vcpu.Cpu.SysRegs.Get("ID_AA64MMFR2_EL1") >> 40) & 0xF);
    }

    [Fact]
    public void H1_ReinitResetsTheVcpuToArchitecturalReset()
    {
        using var rig = new KvmRig(TouchData());
        rig.Run();
        Assert.NotEqual(0UL, rig.Vcpu.GetX(6));                         // X5-X6: PSCI zeroes X1-X3
        rig.Vcpu.Init();
        Assert.Equal(0UL, rig.Vcpu.GetX(6));
        Assert.Equal(1, rig.Vcpu.Cpu.El);
        Assert.Equal(1, rig.Vcpu.Cpu.SpSel);
        Assert.Equal(0x3C0u, rig.Vcpu.Cpu.Daif);
        Assert.Equal(0UL, rig.Vcpu.Cpu.SysRegs.SctlrEl1 & 0b101);        // MMU and D-cache off
    }

    [Fact]
    public void H1_NoUnmapOnInitLeavesStage2Mapped()
    {
        using var rig = new KvmRig(TouchData(), new VmmOptions { Policy = HostPolicy.NoUnmapOnInit });
        rig.Run();
        rig.Vcpu.Init();
        Assert.Equal(2, rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20).Count);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
    }

    [Fact]
    public void H1_EagerFlushOnInitCleansMappedPagesInsteadOfUnmapping()
    {
        using var rig = new KvmRig(TouchData(), new VmmOptions { Policy = HostPolicy.EagerFlushOnInit });
        rig.Run();
        long lines = rig.Vm.Counters.LinesCleanedInvalidated;
        rig.Vcpu.Init();
        Assert.Equal(2, rig.Vm.Stage2.Leaves(0x4000_0000, 16UL << 20).Count);
        Assert.Equal(lines + 2 * 4096 / 64, rig.Vm.Counters.LinesCleanedInvalidated);
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.VmFlush), e => e.Detail == "init");
    }

    [Fact]
    public void H2_UnmapClearsLeafThenTlbiThenCleansCacheablePageToPoc()
    {
        using var rig = new KvmRig(TouchData());
        rig.Run();
        // The host leaves a dirty line in its cache for the data page; the unmap must push it to PoC.
        rig.WriteGuest64(Data, 0x1122_3344_5566_7788);
        Assert.NotEqual(0x1122_3344_5566_7788UL, rig.PocValue(Data));
        rig.Vcpu.Init();
        Assert.Equal(0x1122_3344_5566_7788UL, rig.PocValue(Data));
        var kinds = rig.EventsFor(Data).Select(e => e.Kind).ToList();
        int unmap = kinds.IndexOf(HostEventKind.Unmap), tlbi = kinds.IndexOf(HostEventKind.Tlbi), cmo = kinds.LastIndexOf(HostEventKind.CleanInvalidate);
        Assert.True(unmap >= 0 && unmap < tlbi && tlbi < cmo, string.Join(",", kinds));
        Assert.True(rig.Vm.Counters.DirtyBytesWrittenBack >= 64);
    }

    [Fact]
    public void H2_UnmapWithFwbDoesNoCacheMaintenance()
    {
        using var rig = new KvmRig(TouchData(), new VmmOptions { Fwb = true });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        long lines = rig.Vm.Counters.LinesCleanedInvalidated;
        rig.Vm.UnmapVm(0);
        Assert.Equal(2, rig.Vm.Counters.PagesUnmapped);
        Assert.Equal(lines, rig.Vm.Counters.LinesCleanedInvalidated);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.CleanInvalidate));
    }
}
