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
    /// <summary>vCPU 1's MPIDR_EL1 as it reads it (bit 31 is RES1) and its affinity as PSCI calls name it.</summary>
    private const ulong Mpidr1 = 0x8000_0001, Affinity1 = 1;

    /// <summary>vCPU 0: AFFINITY_INFO(1) → X20, CPU_ON(1, Secondary, 0x1234) → X21, AFFINITY_INFO(1) → X22, then waits for
    /// the secondary's flag and powers off. The secondary stores its X0 (the context id) at Data and sets the flag.</summary>
    private static uint[] CpuOnProgram()
    {
        var primary = Concat(
            Mov(0, 0xC400_0004), Mov(1, Affinity1), Mov(2, 0), new[] { Hvc(), 0xAA0003F4u /* MOV X20, X0 */ },
            Mov(0, 0xC400_0003), Mov(1, Affinity1), Mov(2, Secondary), Mov(3, 0x1234), new[] { Hvc(), 0xAA0003F5u /* MOV X21, X0 */ },
            Mov(0, 0xC400_0004), Mov(1, Affinity1), Mov(2, 0), new[] { Hvc(), 0xAA0003F6u /* MOV X22, X0 */ },
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
        var program = Concat(Mov(0, 0xC400_0003), Mov(1, Affinity1), Mov(2, KvmRig.Load + 0x200), Mov(3, 0), new[] { Hvc() },
            Mov(4, 0x4444), SystemReset());
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
        Assert.Equal(0x4444UL, rig.Vcpu.GetX(4));                       // registers untouched until the VMM re-inits
        // Stopping at the request performs no reset: the count moves when the VMM resets, once per reset.
        Assert.Equal(0, outcome.Resets);
        Assert.Equal(0, rig.Vmm.Resets);
        rig.Vmm.ResetSystem();
        Assert.Equal(1, rig.Vmm.Resets);
    }

    /// <summary>MOV Xd, X0 (ORR Xd, XZR, X0).</summary>
    private static uint MovFromX0(int rd) => 0xAA0003E0u | (uint)rd;

    /// <summary>X0 = fn, X1 = a1, X2 = a2, X3 = a3; HVC #0; MOV Xresult, X0.</summary>
    private static uint[] Call(uint fn, ulong a1, ulong a2, int result, ulong a3 = 0) =>
        Concat(Mov(0, fn), Mov(1, a1), Mov(2, a2), Mov(3, a3), new[] { Hvc(), MovFromX0(result) });

    [Theory]
    [InlineData(0x8400_0008u)]
    [InlineData(0x8400_0009u)]
    public void H8_SystemOffAndResetPreloadInternalFailureForAVmmThatResumes(uint function)
    {
        // X1-X3 hold junk before the call; the guest keeps X0 in X20 after it and powers off again.
        var program = Concat(Mov(1, 0x1111), Mov(2, 0x2222), Mov(3, 0x3333), Mov(0, function), new[] { Hvc(), MovFromX0(20) }, SystemOff());
        using var rig = new KvmRig(program);
        var exit = rig.Vcpu.Run(1000);
        Assert.Equal(VcpuExitReason.SystemEvent, exit.Reason);
        Assert.Equal(unchecked((ulong)Psci.InternalFailure), rig.Vcpu.GetX(0));   // kvm_psci_0_2_call preloads it
        Assert.Equal(new ulong[3], new[] { rig.Vcpu.GetX(1), rig.Vcpu.GetX(2), rig.Vcpu.GetX(3) });   // smccc_set_retval
        Assert.True(rig.Vcpu.PoweredOff);
        Assert.Equal(VcpuExitReason.PoweredOff, rig.Vcpu.Run(1000).Reason);       // stopped until the VMM acts
        rig.Vcpu.SetMpState(runnable: true);                                      // a VMM that resumes it anyway
        Assert.Equal(VcpuExitReason.SystemEvent, rig.Vcpu.Run(1000).Reason);
        Assert.Equal(unchecked((ulong)-6L), rig.Vcpu.GetX(20));                   // the guest saw INTERNAL_FAILURE
    }

    [Fact]
    public void H8_CpuSuspendIsAWfiThatKeepsTheRegistersAndReturnsSuccess()
    {
        // CPU_SUSPEND with a power-down state (StateType, bit 16) and an entry point KVM ignores; X9 must survive.
        const ulong PowerDown = 1UL << 16;
        var program = Concat(Mov(9, 0x9999), Call(0xC400_0001, PowerDown, KvmRig.Load + 0x800, result: 20, a3: 0x77),
            new[] { 0xAA0103F5u /* MOV X21, X1 */ }, SystemOff());
        using var rig = new KvmRig(program);
        var exit = rig.Vcpu.Run(1000);
        Assert.Equal(VcpuExitReason.Idle, exit.Reason);                  // kvm_vcpu_wfi: waits like a WFI
        ulong hvcPc = KvmRig.Load + 4 * (4 + 16);                        // after Mov(9) and the four Movs of the call
        Assert.Equal(hvcPc + 4, rig.Vcpu.Pc);                            // returns after the HVC, not to the entry point
        Assert.Equal(0UL, rig.Vcpu.GetX(0));                             // PSCI_RET_SUCCESS
        Assert.Equal(new ulong[3], new[] { rig.Vcpu.GetX(1), rig.Vcpu.GetX(2), rig.Vcpu.GetX(3) });
        var blocked = rig.Vcpu.Run(1000);                                // IRQ-6: still suspended, nothing signalled
        Assert.Equal((VcpuExitReason.Idle, 0UL), (blocked.Reason, blocked.Instructions));
        rig.Vcpu.Kick();                                                 // the VMM re-enters KVM_RUN: a permitted wake-up
        Assert.Equal(VcpuExitReason.SystemEvent, rig.Vcpu.Run(1000).Reason);
        Assert.Equal(0UL, rig.Vcpu.GetX(20));
        Assert.Equal(0UL, rig.Vcpu.GetX(21));
        Assert.Equal(0x9999UL, rig.Vcpu.GetX(9));                        // register state preserved across the suspend
    }

    [Fact]
    public void H8_AffinityInfoHonoursTheLowestAffinityLevelAndRejectsInvalidAffinities()
    {
        // vCPU 0 is on, vCPU 1 (affinity 1) is off. Each call's X0 lands in X20..X28.
        var program = Concat(
            Call(0xC400_0004, Affinity1, 0, result: 20),                 // vCPU 1, level 0: OFF
            Call(0xC400_0004, Mpidr1, 0, result: 21),                    // bit 31 is outside MPIDR_HWID_BITMASK: invalid
            Call(0xC400_0004, Affinity1, 4, result: 22),                 // lowest affinity level above 3: invalid
            Call(0xC400_0004, 0x100, 0, result: 23),                     // Aff1 = 1: no such vCPU, invalid
            Call(0xC400_0004, Affinity1, 1, result: 24),                 // level 1: Aff0 ignored, cluster 0 has vCPU 0 on: ON
            Call(0xC400_0004, 0x100, 1, result: 25),                     // level 1 of cluster 1: no match, invalid
            Call(0x8400_0004, 0xFFFF_FFFF_0000_0000 | Affinity1, 0, result: 26),  // 32-bit call: X1's upper half dropped: OFF
            Call(0xC400_0004, 0, 0, result: 27),                         // vCPU 0 itself: ON
            Call(0xC400_0003, Mpidr1, KvmRig.Load, result: 28),          // CPU_ON with bit 31 set: invalid
            SystemOff());
        using var rig = new KvmRig(program, new VmmOptions { CacheModel = CacheModelKind.Off }, cpus: 2);
        Assert.Equal(StopReason.SystemOff, rig.Run(200_000).Reason);
        const ulong Invalid = unchecked((ulong)-2L);
        Assert.Equal(new[] { 1UL, Invalid, Invalid, Invalid, 0UL, Invalid, 1UL, 0UL, Invalid },
            Enumerable.Range(20, 9).Select(r => rig.Vcpu.GetX(r)).ToArray());
        Assert.True(rig.Vmm.Vcpus[1].PoweredOff);                        // the rejected CPU_ON started nothing
    }

    [Fact]
    public void H8_VersionFeaturesAndMigrateInfoTypeAnswerWhatTheDeviceTreeAdvertises()
    {
        // Each call's X0 lands in X20..X26; X1 and X3 after the last call in X27, X28 (zeroed by the host's reply).
        var program = Concat(
            Call(0x8400_0000, 0, 0, result: 20),                         // PSCI_VERSION: 1.1 (KVM's)
            Call(0x8400_000A, 0xC400_0003, 0, result: 21),               // PSCI_FEATURES(CPU_ON 64-bit): implemented
            Call(0x8400_000A, 0xC400_0001, 0, result: 22),               // PSCI_FEATURES(CPU_SUSPEND 64-bit)
            Call(0x8400_000A, 0x8400_0009, 0, result: 23),               // PSCI_FEATURES(SYSTEM_RESET)
            Call(0x8400_000A, 0xC400_0012, 0, result: 24),               // PSCI_FEATURES(SYSTEM_RESET2): not implemented
            Call(0x8400_000A, 0xC400_000E, 0, result: 25),               // PSCI_FEATURES(SYSTEM_SUSPEND): not implemented
            Call(0x8400_0006, 0x55, 0x66, result: 26, a3: 0x77),         // MIGRATE_INFO_TYPE: no Trusted OS
            new[] { 0xAA0103FBu /* MOV X27, X1 */, 0xAA0303FCu /* MOV X28, X3 */ },
            SystemOff());
        using var rig = new KvmRig(program, new VmmOptions { CacheModel = CacheModelKind.Off });
        Assert.Equal(StopReason.SystemOff, rig.Run(200_000).Reason);
        const ulong NotSupported = unchecked((ulong)-1L);
        Assert.Equal(new[] { 0x1_0001UL, 0UL, 0UL, 0UL, NotSupported, NotSupported, 2UL, 0UL, 0UL },
            Enumerable.Range(20, 9).Select(r => rig.Vcpu.GetX(r)).ToArray());
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
            Mov(3, 0x0B00_0000), Mov(11, ulong.MaxValue), Mov(12, ulong.MaxValue), Mov(4, ulong.MaxValue),
            new[] { LdrsbX(11, 3), AddImm(6, 6, 1) },
            new[] { AddImm(9, 3, 8), LdrshW(12, 9), AddImm(6, 6, 1) },
            new[] { AddImm(9, 3, 16), LdrW(4, 9), AddImm(6, 6, 1) },
            Mov(5, 0x1122_3344_5566_7788), new[] { StrX(5, 3, 24), StrB(5, 3), AddImm(6, 6, 1) },
            SystemOff());
        using var rig = new KvmRig(program);
        var device = new FixedDevice();
        rig.Vmm.Devices.Add(0x0B00_0000, 0x1000, device);
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0xFFFF_FFFF_FFFF_FF80UL, rig.Vcpu.GetX(11));        // LDRSB Xt: sign-extended to 64 bits
        Assert.Equal(0x0000_0000_FFFF_8001UL, rig.Vcpu.GetX(12));        // LDRSH Wt: sign-extended to 32, upper half zero
        Assert.Equal(0x0000_0000_8000_0001UL, rig.Vcpu.GetX(4));        // LDR Wt: zero-extended
        Assert.Equal(4UL, rig.Vcpu.GetX(6));                            // each access completed exactly once
        Assert.Equal(3, device.Reads);
        Assert.Equal(new[] { (24UL, 8, 0x1122_3344_5566_7788UL), (0UL, 1, 0x88UL) }, device.Writes);
        Assert.Equal(5, rig.Vm.Counters.MmioExits);
    }

    [Fact]
    public void H9_AnMmioExitReachesTheVmmAndIsCompletedOnTheNextRun()
    {
        using var rig = new KvmRig(Concat(Mov(3, 0x0B00_0000), new[] { LdrW(7, 3) }, SystemOff()));
        var exit = rig.Vcpu.Run(1000);
        Assert.Equal(VcpuExitReason.Mmio, exit.Reason);
        Assert.False(exit.Mmio!.IsWrite);
        Assert.Equal(0x0B00_0000UL, exit.Mmio.Ipa);
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
        using var rig = new KvmRig(Concat(Mov(9, KvmRig.Load + 0x800), new[] { MsrVbar(9), Isb }, Mov(3, 0x0B00_0000), new[] { LdrW(7, 3), B(0) }));
        rig.Vm.WriteGuest(KvmRig.Load + 0xA00, A64.Bytes(SystemOff()));
        Assert.Equal(StopReason.SystemOff, rig.Run().Reason);
        Assert.Equal(0x25UL, rig.Vcpu.Cpu.SysRegs.EsrEl1 >> 26);
        Assert.Equal(0x10UL, rig.Vcpu.Cpu.SysRegs.EsrEl1 & 0x3F);
        Assert.Equal(0x0B00_0000UL, rig.Vcpu.Cpu.SysRegs.FarEl1);
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
