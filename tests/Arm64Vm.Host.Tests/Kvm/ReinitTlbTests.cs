using Arm64Vm.Host.Kvm;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>
/// H1: a vCPU re-init resets registers, not the PE's TLB (Linux 6.12, kvm_reset_vcpu() touches no TLB). A new boot on the
/// same PE that enables its MMU without TLBI finds the last boot's translations of the same VMID and ASID, as under
/// KVM; a TLBI VMALLE1 in the guest removes them. Without FWB the re-init's stage-2 unmap invalidates them anyway.
/// </summary>
public class ReinitTlbTests
{
    private const ulong L1Table = 0x4020_0000, L2Table = 0x4020_1000;
    private const ulong BlockA = 0x4040_0000, BlockB = 0x4060_0000;     // two 2 MiB blocks of guest RAM
    private const ulong Va = 0x1_0000_0000;                             // mapped by L2Table[0]
    private const ulong ValueA = 0xAAAA, ValueB = 0xBBBB;
    private const ulong BlockDescriptor = (1UL << 10) | (3UL << 8) | 0b01;   // AF, inner shareable, AttrIndx 0, EL1 RW
    private const uint TlbiVmalle1 = 0xD508871F;

    /// <summary>CBZ Xt to <paramref name="words"/> instructions ahead.</summary>
    private static uint Cbz(int rt, int words) => 0xB4000000u | ((uint)words << 5) | (uint)rt;

    /// <summary>
    /// MAIR, TCR (39-bit VA, walks write-back), TTBR0 = L1Table; TLBI VMALLE1 only when X9 != 0; then MMU and caches on,
    /// X5 = [Va], SYSTEM_OFF.
    /// </summary>
    private static uint[] Boot() => Concat(
        Mov(1, 0xFF), new[] { MsrMair(1) },
        Mov(1, 25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (2UL << 32)), new[] { MsrTcr(1) },
        Mov(1, L1Table), new[] { MsrTtbr0(1), Isb },
        new[] { Cbz(9, 4), TlbiVmalle1, DsbSy, Isb },
        new[] { MrsSctlr(5) }, Mov(6, 0x1005), new[] { 0xAA0600A5u /* ORR X5, X5, X6 */, MsrSctlr(5), Isb },
        Mov(2, Va), new[] { LdrX(5, 2) },
        SystemOff());

    private static KvmRig Rig(bool fwb)
    {
        var rig = new KvmRig(Boot(), new VmmOptions { Fwb = fwb });
        rig.WriteGuest64(L1Table + 8, 0x4000_0000UL | BlockDescriptor);      // identity: the code keeps running
        rig.WriteGuest64(L1Table + 4 * 8, L2Table | 0b11);
        rig.WriteGuest64(L2Table, BlockA | BlockDescriptor);
        rig.WriteGuest64(BlockA, ValueA);
        rig.WriteGuest64(BlockB, ValueB);
        return rig;
    }

    /// <summary>Boot 1 reads through the tables; the VMM points Va at BlockB and re-inits; boot 2 reads again.</summary>
    private static ulong SecondBootReads(bool fwb, bool guestTlbi)
    {
        using var rig = Rig(fwb);
        Assert.Equal(VcpuExitReason.SystemEvent, rig.Vcpu.Run(10_000).Reason);
        Assert.Equal(ValueA, rig.Vcpu.GetX(5));
        rig.WriteGuest64(L2Table, BlockB | BlockDescriptor);               // the next boot's tables
        rig.Vcpu.Init();
        rig.Vcpu.Pc = KvmRig.Load;
        rig.Vcpu.SetX(9, guestTlbi ? 1UL : 0UL);                          // KVM_SET_ONE_REG
        var exit = rig.Vcpu.Run(10_000);
        Assert.True(exit.Reason == VcpuExitReason.SystemEvent, $"{exit} pc=0x{rig.Vcpu.Pc:X} esr=0x{rig.Vcpu.Cpu.SysRegs.EsrEl1:X} elr=0x{rig.Vcpu.Cpu.SysRegs.ElrEl1:X} far=0x{rig.Vcpu.Cpu.SysRegs.FarEl1:X}");
        return rig.Vcpu.GetX(5);
    }

    [Fact]
    public void H1_ReinitWithFwbLeavesTheTlbSoABootWithoutTlbiSeesTheOldTranslation()
    {
        Assert.Equal(ValueA, SecondBootReads(fwb: true, guestTlbi: false));    // stale, as under KVM
    }

    [Fact]
    public void H1_ATlbiVmalle1BeforeTheMmuIsEnabledRemovesTheOldTranslation()
    {
        Assert.Equal(ValueB, SecondBootReads(fwb: true, guestTlbi: true));
    }

    [Fact]
    public void H1_ReinitWithoutFwbUnmapsStage2AndItsTlbiRemovesTheOldTranslation()
    {
        Assert.Equal(ValueB, SecondBootReads(fwb: false, guestTlbi: false));
    }
}
