using Arm64Vm.Cpu;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Host.Tests.Kvm;
using Xunit;

namespace Arm64Vm.Host.Tests.Interrupts;

/// <summary>IRQ-4 (specs/interrupts.md): the PMU overflow interrupt reaches the vgic as the level of PPI 23.</summary>
public class PmuInterruptTests
{
    private const uint Nop = 0xD503201F;

    /// <summary>MSR PMOVSCLR_EL0, Xt (op0 3, op1 3, CRn 9, CRm 12, op2 3).</summary>
    private static uint MsrPmovsclr(int rt) => 0xD5180000u | (3u << 16) | (9u << 12) | (12u << 8) | (3u << 5) | (uint)rt;

    /// <summary>GICR_ISPENDR0 of vCPU 0 (SGI_base + 0x200), as the guest reads it: bit n = INTID n pending.</summary>
    private static bool Ppi23Pending(KvmRig rig)
    {
        var a = new MmioAccess { Ipa = Host.Kvm.Vgic.RedistributorBase + 0x1_0000 + 0x200, Length = 4, IsWrite = false };
        Assert.True(rig.Vm.Vgic.HandleMmio(rig.Vcpu, a));
        return (a.Data & (1UL << CpuCore.PmuPpi)) != 0;
    }

    [Fact]
    public void Irq4_CounterOverflowWithPmintensetPendsPpi23AndPmovsclrDropsIt()
    {
        // 20 NOPs, then MOV X1, #1; MSR PMOVSCLR_EL0, X1; then a loop.
        var program = Enumerable.Repeat(Nop, 20).Concat(new[] { A64.Movz(1, 1), MsrPmovsclr(1), A64.B(0) }).ToArray();
        using var rig = new KvmRig(program, new VmmOptions { CacheModel = CacheModelKind.Off });
        var pmu = rig.Vcpu.Cpu.Pmu;
        pmu.WritePmcr(1);                                  // E
        pmu.WriteType(0, Pmu.InstRetired);
        pmu.WriteCounter(0, 0xFFFF_FFF0);                  // overflows after 16 instructions
        pmu.SetEnabled(1);
        pmu.SetInterruptEnables(1);

        rig.Vcpu.Run(18);                                  // inside the NOPs, past the overflow
        Assert.Equal(1u, pmu.SampleOverflows() & 1);
        Assert.True(Ppi23Pending(rig));                    // level-sensitive: pending while the input is high

        rig.Vcpu.Run(10);                                  // MOV, MSR PMOVSCLR_EL0
        Assert.Equal(0u, pmu.SampleOverflows() & 1);
        Assert.False(Ppi23Pending(rig));
    }

    [Fact]
    public void Irq4_NoInterruptWithoutPmintenset()
    {
        using var rig = new KvmRig(Enumerable.Repeat(Nop, 20).Concat(new[] { A64.B(0) }).ToArray(), new VmmOptions { CacheModel = CacheModelKind.Off });
        var pmu = rig.Vcpu.Cpu.Pmu;
        pmu.WritePmcr(1);
        pmu.WriteType(0, Pmu.InstRetired);
        pmu.WriteCounter(0, 0xFFFF_FFF0);
        pmu.SetEnabled(1);
        rig.Vcpu.Run(18);
        Assert.Equal(1u, pmu.SampleOverflows() & 1);               // the overflow is recorded ...
        Assert.False(Ppi23Pending(rig));   // ... but not signalled
    }
}
