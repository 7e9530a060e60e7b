using Arm64Vm.Cpu.Decoding;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Exception entry/return, system register access and traps (Arm ARM D1.3, D1.4, C5).</summary>
public class SystemAndExceptionTests
{
    private const uint Nop = 0xD503201F;
    private const uint Eret = 0xD69F03E0;
    private const uint MrsX5Esr = 0xD5385205;     // mrs x5, esr_el1
    private const uint MrsX6Elr = 0xD5384026;     // mrs x6, elr_el1
    private const uint MrsX7Spsr = 0xD5384007;    // mrs x7, spsr_el1
    private const uint MsrElrX9 = 0xD5184029;     // msr elr_el1, x9

    /// <summary>
    /// Vector handler at VBAR+offset: record ESR/ELR/SPSR in x5/x6/x7, then return to the address in x9 (set by the
    /// test to the instruction after the faulting one; the handler uses no data-processing instruction).
    /// </summary>
    private static void InstallSkippingHandler(CpuHarness h, ulong offset, ulong resumeAt = CpuHarness.CodeBase + 4)
    {
        h.Cpu.SetX(9, resumeAt);
        h.Load(CpuHarness.VectorBase + offset, MrsX5Esr, MrsX6Elr, MrsX7Spsr, MsrElrX9, Eret);
    }

    [Fact]
    public void SvcRoundTripRecordsSyndromeAndReturnsAfterTheSvc()
    {
        using var h = new CpuHarness();
        // Vector (current EL, SPx, synchronous): record, then return to ELR (already the next instruction).
        h.Load(CpuHarness.VectorBase + 0x200, MrsX5Esr, MrsX6Elr, MrsX7Spsr, Eret);
        h.Cpu.Nzcv = 0x6000_0000;
        var cpu = h.Run(0xD4000241 /* svc #0x12 */, 0xD53B4201 /* mrs x1, nzcv */);
        Assert.True(h.StoppedCleanly);
        Assert.Equal((0x15UL << 26) | (1UL << 25) | 0x12, cpu.X(5));
        Assert.Equal(CpuHarness.CodeBase + 4, cpu.X(6));
        Assert.Equal(0x6000_0000UL | 0x3C0 | 0x5, cpu.X(7));  // NZCV, DAIF masked, EL1h
        Assert.Equal(0x6000_0000UL, cpu.X(1));               // ERET restored NZCV
    }

    [Fact]
    public void UnallocatedWordIsUndefinedWithElrAtTheInstruction()
    {
        using var h = new CpuHarness();
        InstallSkippingHandler(h, 0x200);
        var cpu = h.Run(0x00000000 /* udf #0 (permanently UNDEFINED) */, 0xD5380001 /* mrs x1, midr_el1 */);
        Assert.True(h.StoppedCleanly);
        Assert.Equal(1UL << 25, cpu.X(5));              // EC 0, IL 1
        Assert.Equal(CpuHarness.CodeBase, cpu.X(6));     // ELR points at the UDF itself
        Assert.Equal(SystemRegisterTable.CortexA57Midr, cpu.X(1));
    }

    [Fact]
    public void HvcExitsToTheHostWithTheImmediateAndNextPc()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.CodeBase, 0xD4000002 | (0x1234 << 5) /* hvc #0x1234 */, Nop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        var exit = h.Cpu.Run(10);
        Assert.Equal(ExitReason.Hypercall, exit.Reason);
        Assert.Equal(0x16u, exit.ExceptionClass);
        Assert.Equal(0x1234u, exit.Iss);
        Assert.Equal(CpuHarness.CodeBase + 4, h.Cpu.Pc);
    }

    [Fact]
    public void HvcIsUndefinedWhenHcrHcdIsSet()
    {
        using var h = new CpuHarness();
        InstallSkippingHandler(h, 0x200);
        h.Cpu.HcrEl2 = Hcr.HCD;
        var cpu = h.Run(0xD4000002, Nop);
        Assert.True(h.StoppedCleanly);
        Assert.Equal(1UL << 25, cpu.X(5));
    }

    [Fact]
    public void SmcWithoutTscIsUndefinedAndWithTscExitsAtTheSmc()
    {
        using var h = new CpuHarness();
        InstallSkippingHandler(h, 0x200);
        var cpu = h.Run(0xD4000003 /* smc #0 */, Nop);
        Assert.True(h.StoppedCleanly);
        Assert.Equal(1UL << 25, cpu.X(5));

        h.Cpu.HcrEl2 = Hcr.TSC;
        h.Load(CpuHarness.CodeBase, 0xD4000003);
        h.Cpu.Pc = CpuHarness.CodeBase;
        var exit = h.Cpu.Run(10);
        Assert.Equal(ExitReason.SecureMonitorCall, exit.Reason);
        Assert.Equal(CpuHarness.CodeBase, h.Cpu.Pc);
    }

    [Fact]
    public void SvcFromEl0TakesTheLowerElVectorWithSpsrOfEl0()
    {
        using var h = new CpuHarness();
        // Drop to EL0t at CodeBase+0x100 with ERET: SPSR_EL1 = 0 (EL0t), ELR_EL1 = target; the SVC there goes to
        // VBAR+0x400 (lower EL, AArch64), whose handler records and stops.
        h.Load(CpuHarness.VectorBase + 0x400, MrsX5Esr, MrsX6Elr, MrsX7Spsr, CpuHarness.Stop);
        h.Cpu.SysRegs.SpsrEl1 = 0;
        h.Cpu.SysRegs.ElrEl1 = CpuHarness.CodeBase + 0x100;
        h.Load(CpuHarness.CodeBase + 0x100, 0xD4000021 /* svc #1 */);
        var cpu = h.Run(Eret);
        Assert.Equal((0x15UL << 26) | (1UL << 25) | 1, cpu.X(5));
        Assert.Equal(CpuHarness.CodeBase + 0x104, cpu.X(6));
        Assert.Equal(0UL, cpu.X(7) & 0xF);   // taken from EL0t
        Assert.Equal(1, cpu.El);
    }

    [Fact]
    public void MrsFromEl0OfAnEl1RegisterIsUndefined()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.VectorBase + 0x400, MrsX5Esr, CpuHarness.Stop);
        h.Cpu.SysRegs.SpsrEl1 = 0;
        h.Cpu.SysRegs.ElrEl1 = CpuHarness.CodeBase + 0x100;
        h.Load(CpuHarness.CodeBase + 0x100, 0xD5381000 /* mrs x0, sctlr_el1 */);
        var cpu = h.Run(Eret);
        Assert.Equal(1UL << 25, cpu.X(5));
    }

    [Fact]
    public void BranchToMisalignedAddressTakesPcAlignmentFault()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.VectorBase + 0x200, MrsX5Esr, 0xD5386006 /* mrs x6, far_el1 */, CpuHarness.Stop);
        h.Cpu.SetX(1, CpuHarness.CodeBase + 0x42);
        var cpu = h.Run(0xD61F0020 /* br x1 */);
        Assert.Equal((0x22UL << 26) | (1UL << 25), cpu.X(5));
        Assert.Equal(CpuHarness.CodeBase + 0x42, cpu.X(6));
    }

    [Fact]
    public void IllegalExceptionReturnSetsIlAndTheNextInstructionFaults()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.VectorBase + 0x200, MrsX5Esr, MrsX7Spsr, CpuHarness.Stop);
        h.Cpu.SysRegs.SpsrEl1 = 0b1001;   // EL2h: higher than the current EL, so illegal
        h.Cpu.SysRegs.ElrEl1 = CpuHarness.CodeBase + 0x100;
        h.Load(CpuHarness.CodeBase + 0x100, Nop);
        var cpu = h.Run(Eret);
        Assert.Equal((0x0EUL << 26) | (1UL << 25), cpu.X(5));
        Assert.Equal(1UL << 20, cpu.X(7) & (1UL << 20));   // SPSR.IL captured
        Assert.Equal(1, cpu.El);
    }

    [Fact]
    public void DaifClearAndSetChangePstate()
    {
        using var h = new CpuHarness();
        var cpu = h.Run(0xD50342FF /* msr daifclr, #2 */, 0xD53B4220 /* mrs x0, daif */);
        Assert.Equal(0x340UL, cpu.X(0));   // I cleared, D/A/F still masked
    }

    [Fact]
    public void IdRegistersDescribeTheImplementation()
    {
        using var h = new CpuHarness();
        var cpu = h.Run(0xD5380600 /* mrs x0, id_aa64isar0_el1 */);
        Assert.Equal(h.Cpu.SysRegs.Get("ID_AA64ISAR0_EL1"), cpu.X(0));
        Assert.Equal(0x2UL << 20 | 0x1UL << 16, h.Cpu.SysRegs.Get("ID_AA64ISAR0_EL1") & 0xFF_0000);
        Assert.Equal(SystemRegisterTable.CortexA57Midr, h.Cpu.SysRegs.Get("MIDR_EL1"));
        h.System.Features.Lse = false;
        Assert.Equal(0UL, h.Cpu.SysRegs.Get("ID_AA64ISAR0_EL1") >> 20 & 0xF);
    }

    [Fact]
    public void UnknownSystemRegisterIsUndefined()
    {
        using var h = new CpuHarness();
        InstallSkippingHandler(h, 0x200);
        var cpu = h.Run(0xD53BF000 /* mrs x0, s3_3_c15_c0_0 */, Nop);
        Assert.True(h.StoppedCleanly);
        Assert.Equal(1UL << 25, cpu.X(5));
    }

    [Fact]
    public void TvmTrapsSctlrWritesToTheHost()
    {
        using var h = new CpuHarness();
        h.Cpu.HcrEl2 = Hcr.TVM;
        h.Load(CpuHarness.CodeBase, 0xD5181000 /* msr sctlr_el1, x0 */);
        h.Cpu.Pc = CpuHarness.CodeBase;
        var exit = h.Cpu.Run(5);
        Assert.Equal(ExitReason.TrapToEl2, exit.Reason);
        Assert.Equal(0x18u, exit.ExceptionClass);
        // ISS: op0=3 [21:20], op2=0, op1=0, CRn=1 [13:10], Rt=0, CRm=0, direction write (0).
        Assert.Equal((3u << 20) | (1u << 10), exit.Iss);
        Assert.Equal(CpuHarness.CodeBase, h.Cpu.Pc);
    }

    [Fact]
    public void FpRegisterAccessTrapsWhenCpacrDisablesIt()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.VectorBase + 0x200, MrsX5Esr, CpuHarness.Stop);
        var cpu = h.Run(0xD53B4400 /* mrs x0, fpcr */);
        Assert.Equal((0x07UL << 26) | (1UL << 25), cpu.X(5));
    }

    [Fact]
    public void CounterAdvancesWithRetiredInstructions()
    {
        using var h = new CpuHarness();
        var program = new List<uint> { 0xD53BE040 /* mrs x0, cntvct_el0 */ };
        program.AddRange(Enumerable.Repeat(Nop, 64));
        program.Add(0xD53BE041 /* mrs x1, cntvct_el0 */);
        var cpu = h.Run(program.ToArray());
        Assert.Equal(65UL / CpuSystem.InstructionsPerTick, (cpu.X(1) - cpu.X(0)));
        Assert.Equal(CpuSystem.CounterFrequency, h.Cpu.SysRegs.Get("CNTFRQ_EL0"));
    }
}
