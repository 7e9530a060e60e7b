using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory;
using Xunit;
using static Arm64Vm.Host.Tests.Kvm.A64;

namespace Arm64Vm.Host.Tests.Kvm;

/// <summary>H8 (PSCI in the host) and H9 (MMIO exits and their completion).</summary>
public class PsciAndMmioTests
{
    private const ulong Data = 0x4010_0000;
    private const ulong Secondary = KvmRig.Load + 0x400;
    private const ulong Mpidr1 = 0x8000_0001;

    /// <summary>vCPU 0: AFFINITY_INFO(1) → X20, CPU_ON(1, Secondary, 0x1234) → X21, AFFINITY_INFO(1) → X22, then waits for
    /// the secondary's flag and powers off. The secondary stores its X0 (the context id) at Data and sets the flag.</summary>
    private static uint[] CpuOnProgram()
    {
        var primary = Concat(
            Mov(0, 0xC400_0004), Mov(1, Mpidr1), Mov(2, 0), new[] { Hvc(), 0xAA0003F4u /* MOV X20, X0 */ },
            Mov(0, 0xC400_0003), Mov(1, Mpidr1), Mov(2, Secondary), Mov(3, 0x1234), new[] { Hvc(), 0xAA0003F5u /* MOV X21, X0 */ },
            Mov(0, 0xC400_0004), Mov(1, Mpidr1), Mov(2, 0), new[] { Hvc(), 0xAA0003F6u /* MOV X22, X0 */ },
            Mov(7, Data + 8), new[] { LdrX(8, 7), 0xB4FFFFE8u /* CBZ X8, -1 */ },
            SystemOff());
        var secondary = Concat(Mov(7, Data), new[] { StrX(0, 7) }, Mov(8, 1), new[] { StrX(8, 7, 8), B(0) });
        var program = new uint[(int)((Secondary - KvmRig.Load) / 4) + secondary.Length];
        primary.CopyTo(program, 0);
        secondary.CopyTo(program, (int)((Secondary - KvmRig.Load) / 4));
        return program;
    }

    [Fact]
    public void H8_CpuOnResetsTheTargetWithEntryAndContextAndUnmapsNothing()
    {
        using var rig = new KvmRig(CpuOnProgram(), new VmmOptions { CacheModel = CacheModelKind.Off }, cpus: 2);
        var secondary = rig.Vmm.Vcpus[1];
        Assert.True(secondary.PoweredOff);
        Assert.Equal(Mpidr1, secondary.Cpu.SysRegs.Get("MPIDR_EL1"));
        Assert.Equal(StopReason.SystemOff, rig.Run(200_000).Reason);
        Assert.Equal(1UL, rig.Vcpu.GetX(20));                           // OFF before CPU_ON
        Assert.Equal(0UL, rig.Vcpu.GetX(21));                           // SUCCESS
        Assert.Equal(0UL, rig.Vcpu.GetX(22));                           // ON afterwards
        Assert.Equal(0x1234UL, rig.ReadGuest64(Data));
        Assert.Empty(rig.Vm.Events.OfKind(HostEventKind.Unmap));
        Assert.Contains(rig.Vm.Events.OfKind(HostEventKind.Psci), e => e.Detail == "CPU_ON vcpu1");
    }

    [Fact]
    public void H8_SystemResetStopsEveryVcpuAndResetsOrCleansNothing()
    {
        // vCPU 0 starts vCPU 1 (which spins), then requests SYSTEM_RESET.
        var program = Concat(Mov(0, 0xC400_0003), Mov(1, Mpidr1), Mov(2, KvmRig.Load + 0x200), Mov(3, 0), new[] { Hvc() },
            SystemReset());
        var full = new uint[0x200 / 4 + 1];
        program.CopyTo(full, 0);
        full[0x200 / 4] = B(0);
        using var rig = new KvmRig(full, cpus: 2);
        var outcome = rig.Run(200_000);
        Assert.Equal(StopReason.SystemReset, outcome.Reason);
        Assert.All(rig.Vmm.Vcpus, v => Assert.True(v.PoweredOff));
        long psci = rig.Vm.Events.OfKind(HostEventKind.Psci).Last().Sequence;
        Assert.DoesNotContain(rig.Vm.Events.Events, e => e.Sequence > psci && e.Kind is HostEventKind.Unmap or HostEventKind.CleanInvalidate or HostEventKind.VcpuInit);
        ulong retired = rig.Vmm.Vcpus[1].Cpu.Retired;
        var exit = rig.Vmm.Vcpus[1].Run(1000);
        Assert.Equal(VcpuExitReason.PoweredOff, exit.Reason);
        Assert.Equal(retired, rig.Vmm.Vcpus[1].Cpu.Retired);             // a stopped vCPU retires nothing
        Assert.NotEqual(0UL, rig.Vcpu.GetX(1));                         // registers untouched until the VMM re-inits
    }

    /// <summary>A device register that returns fixed values by offset and records writes.</summary>
    private sealed class FixedDevice : IMmioDevice
    {
        public readonly List<(ulong Offset, int Size, ulong Value)> Writes = new();
        public int Reads;
        public string Name => "fixed";
        public ulong Read(ulong offset, int size) { Reads++; return offset switch { 0 => 0x80, 8 => 0x8001, _ => 0x8000_0001 }; }
        public void Write(ulong offset, int size, ulong value) => Writes.Add((offset, size, value));
    }

    [Fact]
    public void H9_MmioReadsAreSignExtendedOrTruncatedAsTheSyndromeSaysAndThePcAdvancesOnce()
    {
        var program = Concat(
            Mov(3, 0x0A00_0000), Mov(1, ulong.MaxValue), Mov(2, ulong.MaxValue), Mov(4, ulong.MaxValue),
            new[] { LdrsbX(1, 3), AddImm(6, 6, 1) },
            new[] { AddImm(9, 3, 8), LdrshW(2, 9), AddImm(6, 6, 1) },
            new[] { AddImm(9, 3, 16), LdrW(4, 9), AddImm(6, 6, 1) },
            Mov(5, 0x1122_3344_5566_7788), new[] { StrX(5, 3, 24), StrB(5, 3), AddImm(6, 6, 1) },
            SystemOff());
        using var rig = new KvmRig(program);
        var device = new FixedDevice();
        rig.Vmm.Devices.Add(0x0A00_0000, 0x1000, device);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0xFFFF_FFFF_FFFF_FF80UL, rig.Vcpu.GetX(1));        // LDRSB Xt: sign-extended to 64 bits
        Assert.Equal(0x0000_0000_FFFF_8001UL, rig.Vcpu.GetX(2));        // LDRSH Wt: sign-extended to 32, upper half zero
        Assert.Equal(0x0000_0000_8000_0001UL, rig.Vcpu.GetX(4));        // LDR Wt: zero-extended
        Assert.Equal(4UL, rig.Vcpu.GetX(6));                            // each access completed exactly once
        Assert.Equal(3, device.Reads);
        Assert.Equal(new[] { (24UL, 8, 0x1122_3344_5566_7788UL), (0UL, 1, 0x88UL) }, device.Writes);
        Assert.Equal(5, rig.Vm.Counters.MmioExits);
    }

    [Fact]
    public void H9_AnMmioExitReachesTheVmmAndIsCompletedOnTheNextRun()
    {
        using var rig = new KvmRig(Concat(Mov(3, 0x0A00_0000), new[] { LdrW(7, 3) }, SystemOff()));
        var exit = rig.Vcpu.Run(1000);
        Assert.Equal(VcpuExitReason.Mmio, exit.Reason);
        Assert.False(exit.Mmio!.IsWrite);
        Assert.Equal(0x0A00_0000UL, exit.Mmio.Ipa);
        Assert.Equal(4, exit.Mmio.Length);
        ulong pc = rig.Vcpu.Pc;
        exit.Mmio.Data = 0xFFFF_FFFF_DEAD_BEEF;
        var next = rig.Vcpu.Run(1000);
        Assert.Equal(VcpuExitReason.SystemEvent, next.Reason);
        Assert.Equal(0xDEAD_BEEFUL, rig.Vcpu.GetX(7));
        Assert.Equal(pc + 4 + 4 * 4 + 4, rig.Vcpu.Pc);                  // past the load, MOV X0 (4 words) and the HVC
    }

    [Fact]
    public void H9_NothingAtTheAddressIsAnExternalAbortForTheGuest()
    {
        using var rig = new KvmRig(Concat(Mov(9, KvmRig.Load + 0x800), new[] { MsrVbar(9), Isb }, Mov(3, 0x0A00_0000), new[] { LdrW(7, 3), B(0) }));
        rig.Vm.WriteGuest(KvmRig.Load + 0xA00, A64.Bytes(SystemOff()));
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0x25UL, rig.Vcpu.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(0x10UL, rig.Vcpu.Cpu.SysRegs.EsrEl1 & 0x3F);
        Assert.Equal(0x0A00_0000UL, rig.Vcpu.Cpu.SysRegs.FarEl1);
        Assert.Equal(1, rig.Vmm.UnassignedMmio);
    }

    [Fact]
    public void H8_UnknownSmcccCallsReturnNotSupportedOrAreForwardedToTheVmm()
    {
        var program = Concat(Mov(0, 0xC600_0042), Mov(1, 7), new[] { Hvc(), 0xAA0003F4u /* MOV X20, X0 */ }, SystemOff());
        using (var rig = new KvmRig(program))
        {
            Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
            Assert.Equal(ulong.MaxValue, rig.Vcpu.GetX(20));            // SMCCC_RET_NOT_SUPPORTED (-1)
        }
        using (var rig = new KvmRig(program))
        {
            rig.Vm.ForwardUnknownHypercalls = true;
            uint seen = 0;
            rig.Vmm.OnHypercall = v => { seen = (uint)v.GetX(0); v.SetX(0, v.GetX(1) * 6); return true; };
            Assert.Equal(StopReason.Hypercall, rig.Run().Reason);
            Assert.Equal(0xC600_0042u, seen);
            Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
            Assert.Equal(42UL, rig.Vcpu.GetX(20));
        }
    }
}
