using Arm64Vm.Host.Kvm;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;
using Hcr = Arm64Vm.Cpu.Hcr;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H6: set/way trapping, TVM and kvm_toggle_cache, fabricated cache identification.</summary>
public class SetWayAndIdTests
{
    private const ulong Tables = 0x4020_0000;

    /// <summary>An identity map of RAM (one 1 GiB block, Normal WB) and the MMU controls, ready for SCTLR writes.</summary>
    private static uint[] MmuSetup() => Concat(
        Mov(1, 0xFF), new[] { MsrMair(1) },
        Mov(1, 25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32)), new[] { MsrTcr(1) },
        Mov(1, Tables), new[] { MsrTtbr0(1), Isb });

    /// <summary>SCTLR_EL1 = X5 with M, C and I set (X6) or cleared.</summary>
    private static uint[] SctlrCachesOn() => Concat(new[] { MrsSctlr(5) }, Mov(6, 0x1005), new[] { 0xAA0600A5u /* ORR X5, X5, X6 */, MsrSctlr(5), Isb });
    private static uint[] SctlrCachesOff() => Concat(new[] { MrsSctlr(5) }, Mov(6, 0x1005), new[] { 0x8A2600A5u /* BIC X5, X5, X6 */, MsrSctlr(5), Isb });

    private static KvmRig Rig(uint[] body, VmmOptions? options = null)
    {
        var rig = new KvmRig(Concat(body, SystemOff()), options);
        rig.WriteGuest64(Tables + 8, 0x4000_0000UL | (1UL << 10) | (3UL << 8) | 0b01);
        return rig;
    }

    [Fact]
    public void H6_SetWayFlushesOnceAndTvmCatchesTheCacheToggles()
    {
        var body = Concat(MmuSetup(), Mov(3, 0), new[] { DcCisw(3) },   // TVM is set from reset: no flush yet
            SctlrCachesOn(),                                          // toggle on: flush, TVM cleared
            new[] { DcCisw(3) },                                      // first set/way with caches on: flush, TVM set
            new[] { DcCisw(3) },                                      // TVM already set: no flush
            SctlrCachesOff());                                        // toggle off: flush
        using var rig = Rig(body);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(3, rig.Vm.Counters.SetWayTraps);
        Assert.Equal(new[] { "toggle-on", "set-way", "toggle-off" }, rig.Vm.Events.OfKind(HostEventKind.VmFlush).Select(e => e.Detail));
        Assert.Equal(new[] { "clear", "set" }, rig.Vm.Events.OfKind(HostEventKind.Tvm).Select(e => e.Detail));
        Assert.NotEqual(0UL, rig.Vcpu.Hcr & Hcr.TVM);
        Assert.True(rig.Vm.Counters.LinesCleanedInvalidated > 0);
    }

    [Fact]
    public void H6_WithFwbSetWayIsIgnoredAndNothingIsFlushed()
    {
        var body = Concat(MmuSetup(), SctlrCachesOn(), Mov(3, 0), new[] { DcCisw(3) }, SctlrCachesOff());
        using var rig = Rig(body, new VmmOptions { Fwb = true });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(1, rig.Vm.Counters.SetWayTraps);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.VmFlush));
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Tvm));
    }

    [Fact]
    public void H6_WithoutTheTrapSetWayRunsNativelyAndNothingIsFlushedAfterCachesAreOn()
    {
        var body = Concat(MmuSetup(), SctlrCachesOn(), Mov(3, 0), new[] { DcCisw(3) }, SctlrCachesOff());
        using var rig = Rig(body, new VmmOptions { Policy = HostPolicy.NoSetWayTrap });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0, rig.Vm.Counters.SetWayTraps);
        Assert.Equal(new[] { "toggle-on" }, rig.Vm.Events.OfKind(HostEventKind.VmFlush).Select(e => e.Detail));
    }

    [Fact]
    public void H6_NoToggleFlushKeepsTheTrapsButSkipsTheFlushes()
    {
        var body = Concat(MmuSetup(), SctlrCachesOn(), SctlrCachesOff());
        using var rig = Rig(body, new VmmOptions { Policy = HostPolicy.NoToggleFlush });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.VmFlush));
        Assert.Equal(new[] { "clear" }, rig.Vm.Events.OfKind(HostEventKind.Tvm).Select(e => e.Detail));
    }

    [Theory]
    // CLIDR as KVM fabricates it (reset_clidr): IDC=0 → L1 separate I+D, LoUU=LoUIS=LoC=1; IDC=1,DIC=0 → unified L2 =
    // LoC, L1 instruction only; IDC=1,DIC=1 → unified L1 = LoC. CCSIDR: one set, one way, 64-byte lines (LineSize 2).
    [InlineData(false, false, 0x0920_0003UL)]
    [InlineData(true, false, 0x0200_0021UL)]
    [InlineData(true, true, 0x0100_0004UL)]
    public void H6_CacheIdentificationIsFabricatedAsKvmDoes(bool idc, bool dic, ulong clidr)
    {
        var body = Concat(new[] { MrsClidr(5) }, Mov(9, 0), new[] { MsrCsselr(9), Isb, MrsCcsidr(6) },
            Mov(9, 1), new[] { MsrCsselr(9), Isb, MrsCcsidr(7), MrsCtr(4) });   // X5-X7: PSCI zeroes X1-X3
        using var rig = Rig(body, new VmmOptions { Idc = idc, Dic = dic });
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(clidr, rig.Vcpu.GetX(5));
        Assert.Equal(2UL, rig.Vcpu.GetX(6));
        Assert.Equal(2UL, rig.Vcpu.GetX(7));
        Assert.Equal(idc ? 1UL : 0UL, (rig.Vcpu.GetX(4) >> 28) & 1);
        Assert.Equal(dic ? 1UL : 0UL, (rig.Vcpu.GetX(4) >> 29) & 1);
    }
}
