using Arm64Vm.Cpu;
using Arm64Vm.Host.Kvm;
using Xunit;
using Gic = Arm64Vm.Host.Kvm.Vgic;

namespace Arm64Vm.Host.Tests.Interrupts;

/// <summary>GIC-1..GIC-14 (specs/interrupts.md): register semantics of the vgic, driven as a guest's accesses would be.</summary>
public class VgicRegisterTests
{
    private const ulong D = Gic.DistributorBase, R = Gic.RedistributorBase, C = Gic.CpuInterfaceBase;
    private const ulong Sgi = 0x1_0000;

    [Fact]
    public void Gic11_IdentificationRegistersOfAGicV3()
    {
        using var m = new VgicMachine(cpus: 2);
        Assert.Equal(7u | (9u << 19) | (1u << 24) | (1u << 25), (uint)m.Read(D + 0x4));
        Assert.Equal(0x4B00343BUL, m.Read(D + 0x8));
        Assert.Equal(0x3BUL, m.Read(D + 0xFFE8));
        Assert.Equal(0x3BUL, m.Read(R + 0xFFE8));
        Assert.Equal(0x50UL, m.Read(D + 0x0) & 0x50);                           // ARE and DS read as one
        // GICR_TYPER: affinity [63:32], Processor_Number [23:8], Last only on the last redistributor.
        Assert.Equal(0UL, m.Read(R + 0x8, 8));
        Assert.Equal((1UL << 32) | (1UL << 8) | (1UL << 4), m.Read(R + Gic.RedistributorStride + 0x8, 8));
        Assert.Equal(1UL, m.Read(R + Gic.RedistributorStride + 0xC, 4));  // upper half alone
    }

    [Fact]
    public void Gic11_IdentificationRegistersOfAGicV2()
    {
        using var m = new VgicMachine(cpus: 3, gic: 2);
        Assert.Equal(8UL | (2UL << 5), m.Read(D + 0x4));
        Assert.Equal(0x4B00243BUL, m.Read(D + 0x8));
        Assert.Equal(0x2BUL, m.Read(D + 0xFE8));
        Assert.Equal(0x04B2043BUL, m.Read(C + 0xFC));
    }

    [Fact]
    public void Gic10_AccessesOfTheWrongWidthOrAlignmentAreRazWi()
    {
        using var m = new VgicMachine();
        m.Write(D + 0x104, 0xFF, len: 1);                                       // byte write to ISENABLER1: ignored
        Assert.Equal(0UL, m.Read(D + 0x104));
        Assert.Equal(0UL, m.Read(D + 0x4, len: 2));                             // half-word read of TYPER
        m.Write(D + 0x106, 0xFFFF_FFFF);                                        // misaligned word
        Assert.Equal(0UL, m.Read(D + 0x104));
        m.Write(D + 0x104, 0x1);
        Assert.Equal(1UL, m.Read(D + 0x104));
    }

    [Fact]
    public void Gic3_IpriorityrBytesKeepFivePriorityBitsAndPmrBprSaturate()
    {
        using var m = new VgicMachine();
        m.Write(R + Sgi + 0x400 + 5, 0xFF, len: 1);
        m.Write(R + Sgi + 0x400 + 6, 0x47, len: 1);
        Assert.Equal(0x0040_F800UL, m.Read(R + Sgi + 0x404));                 // bytes 5, 6 of the word at 0x404
        var cpu = m.Cpu(0);
        cpu.WriteIcc(IccRegister.Pmr, 0xFF);
        Assert.Equal(0xF8UL, cpu.ReadIcc(IccRegister.Pmr));
        cpu.WriteIcc(IccRegister.Bpr1, 0);
        cpu.WriteIcc(IccRegister.Bpr0, 0);
        Assert.Equal(3UL, cpu.ReadIcc(IccRegister.Bpr1));
        Assert.Equal(2UL, cpu.ReadIcc(IccRegister.Bpr0));
        Assert.Equal(7UL, cpu.ReadIcc(IccRegister.Sre));
        Assert.Equal((4UL << 8) | (1UL << 15), cpu.ReadIcc(IccRegister.Ctlr));
    }

    [Fact]
    public void Gic3_Gic5_PreemptionRunningPriorityAndPriorityDrop()
    {
        using var m = new VgicMachine();
        m.EnableCpu(0);
        var cpu = m.Cpu(0);
        m.Write(R + Sgi + 0x80, 0xFFFF_FFFF);                                   // Group 1
        m.Write(R + Sgi + 0x400, 0x0040_8000);                                  // SGI 1: 0x80, SGI 2: 0x40
        m.Write(R + Sgi + 0x100, 0x6);
        m.Write(D, 2);                                                          // EnableGrp1
        cpu.WriteIcc(IccRegister.Sgi1r, (1UL << 24) | 1);
        Assert.True(m.Vcpu(0).Cpu.IrqLine);
        Assert.Equal(1UL, cpu.ReadIcc(IccRegister.Iar1));
        Assert.Equal(0x80UL, cpu.ReadIcc(IccRegister.Rpr));
        Assert.Equal(1UL << 16, cpu.ReadIcc(IccRegister.Ap1r0));
        Assert.False(m.Vcpu(0).Cpu.IrqLine);
        cpu.WriteIcc(IccRegister.Sgi1r, (1UL << 24) | 1);                       // SGI 1 again: same priority, no preemption
        Assert.False(m.Vcpu(0).Cpu.IrqLine);
        Assert.Equal(1023UL, cpu.ReadIcc(IccRegister.Iar1));                    // active: not acknowledged again
        cpu.WriteIcc(IccRegister.Sgi1r, (2UL << 24) | 1);                       // higher: preempts
        Assert.True(m.Vcpu(0).Cpu.IrqLine);
        Assert.Equal(2UL, cpu.ReadIcc(IccRegister.Iar1));
        Assert.Equal(0x40UL, cpu.ReadIcc(IccRegister.Rpr));
        cpu.WriteIcc(IccRegister.Eoir1, 2);
        Assert.Equal(0x80UL, cpu.ReadIcc(IccRegister.Rpr));
        cpu.WriteIcc(IccRegister.Eoir1, 1);                                     // EOImode 0: drop and deactivate
        Assert.Equal(0xFFUL, cpu.ReadIcc(IccRegister.Rpr));
        Assert.True(m.Vcpu(0).Cpu.IrqLine);                                     // the second SGI 1 now
        Assert.Equal(1UL, cpu.ReadIcc(IccRegister.Hppir1));
    }

    [Fact]
    public void Gic4_LevelSpiStaysPendingWhileAssertedAndBecomesActiveAndPending()
    {
        using var m = new VgicMachine();
        m.EnableCpu(0);
        const int spi = 50;
        m.Write(D + 0x84, 1u << (spi - 32));
        m.Write(D + 0x104, 1u << (spi - 32));
        m.Write(D, 2);
        m.Gic.SetSpiLevel(spi, true);
        Assert.Equal(1UL << (spi - 32), m.Read(D + 0x204));
        m.Write(D + 0x284, 1u << (spi - 32));                                  // ICPENDR: the level stays
        Assert.Equal(1UL << (spi - 32), m.Read(D + 0x204));
        Assert.Equal((ulong)spi, m.Cpu(0).ReadIcc(IccRegister.Iar1));
        Assert.Equal(1UL << (spi - 32), m.Read(D + 0x304));                    // active
        Assert.Equal(1UL << (spi - 32), m.Read(D + 0x204));                    // and pending
        m.Gic.SetSpiLevel(spi, false);
        Assert.Equal(0UL, m.Read(D + 0x204));
        m.Cpu(0).WriteIcc(IccRegister.Eoir1, spi);
        Assert.Equal(0UL, m.Read(D + 0x304));
        // Edge: one rising edge, one interrupt.
        m.Write(D + 0xC0C, 2u << (2 * (spi - 48)));
        m.Gic.SetSpiLevel(spi, true);
        Assert.Equal((ulong)spi, m.Cpu(0).ReadIcc(IccRegister.Iar1));
        Assert.Equal(0UL, m.Read(D + 0x204));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Gic.SetSpiLevel(256, true));
    }

    [Fact]
    public void Gic8_IrouterRoutesToTheVcpuWithThatAffinityAndIrmIsRazWi()
    {
        using var m = new VgicMachine();
        m.EnableCpu(0);
        m.EnableCpu(1);
        const int spi = 40;
        m.Write(D + 0x84, 1u << (spi - 32));
        m.Write(D + 0x104, 1u << (spi - 32));
        m.Write(D, 2);
        m.Write(D + 0x6000 + 8 * spi, (1UL << 31) | 1, len: 8);
        Assert.Equal(1UL, m.Read(D + 0x6000 + 8 * spi, len: 8));
        m.Write(D + 0x204, 1u << (spi - 32));
        Assert.False(m.Vcpu(0).Cpu.IrqLine);
        Assert.True(m.Vcpu(1).Cpu.IrqLine);
        m.Write(D + 0x6000 + 8 * spi, 7, len: 8);                               // nobody
        Assert.False(m.Vcpu(1).Cpu.IrqLine);
        m.Write(D + 0x6000 + 8 * spi, 0, len: 4);                               // lower half: vCPU 0
        Assert.True(m.Vcpu(0).Cpu.IrqLine);
        Assert.Equal(0UL, m.Read(D + 0x6000 + 8 * 5, len: 8));                  // no IROUTER below 32
    }

    [Fact]
    public void Gic7_Sgi1rTargetsByListOrAllButSelfAndOnlyInTheTargetsGroup()
    {
        using var m = new VgicMachine(cpus: 3);
        for (int i = 0; i < 3; i++) m.Write(R + (ulong)i * Gic.RedistributorStride + Sgi + 0x80, i == 2 ? 0u : 0xFFFF_FFFFu);
        m.Cpu(0).WriteIcc(IccRegister.Sgi1r, (3UL << 24) | 0b110);             // CPUs 1, 2: CPU 2 has SGI 3 in Group 0
        Assert.Equal(new ulong[] { 0, 8, 0 }, Enumerable.Range(0, 3).Select(i => m.Read(R + (ulong)i * Gic.RedistributorStride + Sgi + 0x200)));
        m.Cpu(1).WriteIcc(IccRegister.Sgi1r, (4UL << 24) | (1UL << 40));       // IRM: CPUs 0 and 2 (Group 1 only: CPU 0)
        Assert.Equal(16UL, m.Read(R + Sgi + 0x200));
        Assert.Equal(0UL, m.Read(R + 2 * Gic.RedistributorStride + Sgi + 0x200));
        m.Cpu(1).WriteIcc(IccRegister.Sgi0r, (5UL << 24) | (1UL << 40));       // Group 0 SGI reaches CPU 2
        Assert.Equal(32UL, m.Read(R + 2 * Gic.RedistributorStride + Sgi + 0x200));
    }

    [Fact]
    public void Gic9_WakerHandshakeAndSingleSecurityState()
    {
        using var m = new VgicMachine();
        Assert.Equal(6UL, m.Read(R + 0x14));
        m.Write(R + 0x14, 0);
        Assert.Equal(0UL, m.Read(R + 0x14));
        m.Write(R + 0x14, 2);
        Assert.Equal(6UL, m.Read(R + 0x14));
        m.Write(D + 0xD04, 0xFFFF_FFFF);                                        // IGRPMODR: RAZ/WI
        Assert.Equal(0UL, m.Read(D + 0xD04));
        m.Write(D, 0);                                                          // ARE/DS stay
        Assert.Equal(0x50UL, m.Read(D));
    }

    [Fact]
    public void Gic12_SystemResetRestoresResetValuesAndVcpuInitResetsItsCpuInterface()
    {
        using var m = new VgicMachine();
        m.Write(D + 0x104, 0xF);
        m.Write(R + Sgi + 0x80, 0xFFFF_FFFF);
        m.EnableCpu(0);
        m.Cpu(0).WriteIcc(IccRegister.Ctlr, 2);
        m.Vcpu(0).Init();
        Assert.Equal(0UL, m.Cpu(0).ReadIcc(IccRegister.Pmr));
        Assert.Equal(0UL, m.Cpu(0).ReadIcc(IccRegister.Igrpen1));
        Assert.Equal(0UL, m.Cpu(0).ReadIcc(IccRegister.Ctlr) & 2);
        Assert.Equal(0xFFFF_FFFFUL, m.Read(R + Sgi + 0x80));                    // the redistributor keeps its state
        m.Gic.Reset();
        Assert.Equal(0UL, m.Read(D + 0x104));
        Assert.Equal(0UL, m.Read(R + Sgi + 0x80));
        Assert.Equal(6UL, m.Read(R + 0x14));
    }

    [Fact]
    public void Gic13_V2ItargetsrMasksAbsentCpusAndBanksTheFirst32()
    {
        using var m = new VgicMachine(cpus: 2, gic: 2);
        m.Write(D + 0x800 + 40, 0xFF, len: 1);
        Assert.Equal(3UL, m.Read(D + 0x800 + 40, len: 1));
        Assert.Equal(0x0101_0101UL, m.Read(D + 0x800, vcpu: 0));
        Assert.Equal(0x0202_0202UL, m.Read(D + 0x81C, vcpu: 1));
        m.Write(D + 0x800, 0, vcpu: 1);
        Assert.Equal(0x0202_0202UL, m.Read(D + 0x800, vcpu: 1));
        Assert.Equal(0xFFFFUL, m.Read(D + 0x100) & 0xFFFF);                     // SGIs permanently enabled
        m.Write(D + 0x180, 0xFFFF);
        Assert.Equal(0xFFFFUL, m.Read(D + 0x100) & 0xFFFF);
    }

    [Fact]
    public void Gic14_V2SgirCarriesTheSourceCpuToGiccIar()
    {
        using var m = new VgicMachine(cpus: 2, gic: 2);
        m.Write(D, 1);
        for (int i = 0; i < 2; i++)
        {
            m.Write(C + 0x4, 0xF0, vcpu: i);
            m.Write(C + 0x0, 1, vcpu: i);
        }
        m.Write(D + 0xF00, (2u << 16) | 3, vcpu: 0);                           // list: CPU 1
        m.Write(D + 0xF00, (1u << 24) | 3, vcpu: 0);                           // all but self: CPU 1 again, same source
        Assert.Equal(1UL, m.Read(D + 0xF20, vcpu: 1) >> 24);                    // SPENDSGIR0 byte 3: source CPU 0
        m.Write(D + 0xF00, (2u << 24) | 3, vcpu: 1);                           // self only: source 1
        Assert.Equal(3UL, m.Read(D + 0xF20, vcpu: 1) >> 24);
        Assert.True(m.Vcpu(1).Cpu.IrqLine);
        Assert.False(m.Vcpu(0).Cpu.IrqLine);
        Assert.Equal(3UL, m.Read(C + 0xC, vcpu: 1));                            // source 0 first
        m.Write(C + 0x10, 3, vcpu: 1);
        Assert.Equal(3UL | (1UL << 10), m.Read(C + 0xC, vcpu: 1));
        m.Write(C + 0x10, 3 | (1u << 10), vcpu: 1);
        Assert.Equal(1023UL, m.Read(C + 0xC, vcpu: 1));
    }

    [Fact]
    public void Gic12_SaveAndRestoreBringBackTheDistributorRedistributorsAndCpuInterfaces()
    {
        using var m = new VgicMachine();
        m.EnableCpu(1);
        m.Write(R + Gic.RedistributorStride + Sgi + 0x80, 0xFFFF_FFFF);
        m.Write(R + Gic.RedistributorStride + Sgi + 0x100, 0x4);
        m.Write(D, 2);
        m.Write(D + 0x6000 + 8 * 45, 1, len: 8);
        m.Cpu(0).WriteIcc(IccRegister.Sgi1r, (2UL << 24) | 2);                 // SGI 2 pending at CPU 1
        var snapshot = m.Gic.Save();
        Assert.Equal(2UL, m.Cpu(1).ReadIcc(IccRegister.Iar1));
        m.Gic.Reset();
        Assert.False(m.Vcpu(1).Cpu.IrqLine);
        m.Gic.Restore(snapshot);
        Assert.True(m.Vcpu(1).Cpu.IrqLine);
        Assert.Equal(0xF0UL, m.Cpu(1).ReadIcc(IccRegister.Pmr));
        Assert.Equal(1UL, m.Read(D + 0x6000 + 8 * 45, len: 8));
        Assert.Equal(2UL, m.Cpu(1).ReadIcc(IccRegister.Iar1));
        using var v2 = new VgicMachine(gic: 2);
        Assert.Throws<ArgumentException>(() => v2.Gic.Restore(snapshot));
    }

    [Fact]
    public void Gic4_ADevicesInterruptLineDrivesItsSpi()
    {
        using var m = new VgicMachine();
        var line = m.Gic.SpiLine(8);                                            // SPI 8 = INTID 40
        line.SetLevel(true);
        Assert.Equal(1UL << 8, m.Read(D + 0x204));
        line.SetLevel(true);                                                    // asserting an asserted line: no-op
        line.SetLevel(false);
        Assert.Equal(0UL, m.Read(D + 0x204));
    }

    [Fact]
    public void Gic1_OnlyVersions2And3WithTheirIntidCounts()
    {
        var v = new Gic(2);
        Assert.Throws<ArgumentException>(() => new Gic(4));
        Assert.Equal(288, v.IrqCount);
        Assert.Equal(256, new Gic(3).IrqCount);
    }
}
