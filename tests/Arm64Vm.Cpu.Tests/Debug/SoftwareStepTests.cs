using Xunit;
using static Arm64Vm.Cpu.Tests.Debug.DebugHarness;

namespace Arm64Vm.Cpu.Tests.Debug;

/// <summary>DBG-7, DBG-8, DBG-10: the software-step state machine through ERET and exceptions (specs/debug.md).</summary>
public class SoftwareStepTests
{
    private const ulong SpsrSs = 1UL << 21;
    private const ulong El0Code = CpuHarness.CodeBase + 0x1000;

    [Fact]
    public void DBG7_EretWithSpsrSsSteppsOneEl0InstructionThenTakesEc32WithIsv()
    {
        using var h = Create(mdscr: Ss);
        h.RunAtEl0(SpsrSs, AddX0, AddX0, AddX0);
        Assert.Equal(DebugExceptionClass.SoftwareStepLowerEl, Ec(h.Cpu.X(20)));
        Assert.Equal(1u << 24 | 0x22, Iss(h.Cpu.X(20)));     // ISV = 1, EX = 0
        Assert.Equal(El0Code + 4, h.Cpu.X(21));
        Assert.Equal(0UL, h.Cpu.X(23) & SpsrSs);              // active-pending when taken
        Assert.Equal(1UL, h.Cpu.X(0));
        // ERET and one ADD, then the vector's four MRS and HLT.
        Assert.Equal(2UL + 5, h.Cpu.Retired);
    }

    [Fact]
    public void DBG7_EretWithSpsrSsClearTakesTheStepExceptionBeforeAnyInstructionWithIsvZero()
    {
        using var h = Create(mdscr: Ss);
        h.RunAtEl0(0, AddX0, AddX0);
        Assert.Equal(DebugExceptionClass.SoftwareStepLowerEl, Ec(h.Cpu.X(20)));
        Assert.Equal(0x22u, Iss(h.Cpu.X(20)));
        Assert.Equal(El0Code, h.Cpu.X(21));
        Assert.Equal(0UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG7_WithoutMdscrSsTheSsBitIsNotRestored()
    {
        using var h = Create(mdscr: 0);
        h.RunAtEl0(SpsrSs, AddX0, AddX0);
        Assert.Equal(ExceptionClass.Unknown, Ec(h.Cpu.X(20)));   // the HLT at EL0: UNDEFINED
        Assert.Equal(2UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG7_StepIsMaskedByTheOsLock()
    {
        using var h = Create(mdscr: Ss, osLock: true);
        h.RunAtEl0(SpsrSs, AddX0, AddX0);
        Assert.Equal(2UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG7_AtEl1StepNeedsKdeAndPstateDClear()
    {
        using var masked = Create(mdscr: Ss | Kde, debugMasked: true);
        masked.Cpu.PstateSs = true;
        masked.RunProgram(AddX0, AddX0);
        Assert.Equal(2UL, masked.Cpu.X(0));
        using var h = Create(mdscr: Ss | Kde);
        h.Cpu.PstateSs = true;
        h.RunProgram(AddX0, AddX0);
        Assert.Equal(DebugExceptionClass.SoftwareStepSameEl, Ec(h.Cpu.X(20)));
        Assert.Equal(CpuHarness.CodeBase + 4, h.Cpu.X(21));
        Assert.Equal(1UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG7_ASteppedSvcSavesSsZeroSoItsReturnStepsNoFurther()
    {
        using var h = Create(mdscr: Ss);
        h.RunAtEl0(SpsrSs, Svc0, AddX0);
        Assert.Equal(ExceptionClass.Svc64, Ec(h.Cpu.X(20)));
        Assert.Equal(0UL, h.Cpu.X(23) & SpsrSs);
    }

    [Fact]
    public void DBG7_AFaultInTheSteppedInstructionSavesSsOneSoItIsSteppedAgain()
    {
        using var h = Create(mdscr: Ss);
        h.Cpu.SetX(2, 0x1_0000_0000);                      // no RAM there: external abort
        h.RunAtEl0(SpsrSs, LdrX3X2, AddX0);
        Assert.Equal(ExceptionClass.DataAbortLowerEl, Ec(h.Cpu.X(20)));
        Assert.Equal(SpsrSs, h.Cpu.X(23) & SpsrSs);
    }

    [Fact]
    public void DBG7_StepLoopThroughTheHandlerStepsEveryInstructionAndReturnsFromSvcActivePending()
    {
        // The lower-EL vector: on a step exception count it in X10, set SPSR.SS and return; on anything else stop.
        using var h = Create(mdscr: Ss);
        h.Load(CpuHarness.VectorBase + 0x400,
            Mrs(3, 0, 5, 2, 0, 20),          // mrs x20, esr_el1
            0xD35AFE98,                      // lsr x24, x20, #26
            0xF100CB1F,                      // cmp x24, #0x32
            0x540000E1,                      // b.ne +7 instructions (to the stop)
            0x9100054A,                      // add x10, x10, #1
            Mrs(3, 0, 4, 0, 0, 1),           // mrs x1, spsr_el1
            0xD2A0041A,                      // movz x26, #0x20, lsl #16
            0xAA1A0021,                      // orr x1, x1, x26
            Msr(3, 0, 4, 0, 0, 1),           // msr spsr_el1, x1
            Eret,
            Mrs(3, 0, 4, 0, 1, 21),          // stop: mrs x21, elr_el1
            Hlt);
        h.RunAtEl0(SpsrSs, AddX0, AddX0, AddX0, Svc0);
        Assert.Equal(ExceptionClass.Svc64, Ec(h.Cpu.X(20)));
        Assert.Equal(3UL, h.Cpu.X(10));
        Assert.Equal(3UL, h.Cpu.X(0));
        Assert.Equal(El0Code + 16, h.Cpu.X(21));
    }

    [Fact]
    public void DBG7_SteppedLoadExclusiveReportsEx()
    {
        using var h = Create(mdscr: Ss);
        h.Cpu.SetX(2, CpuHarness.DataBase);
        h.RunAtEl0(SpsrSs, 0xC85F7C43, AddX0);           // ldxr x3, [x2]
        Assert.Equal(DebugExceptionClass.SoftwareStepLowerEl, Ec(h.Cpu.X(20)));
        Assert.Equal(1u << 24 | 1u << 6 | 0x22, Iss(h.Cpu.X(20)));
    }

    [Fact]
    public void DBG7_AnInterruptInTheActiveNotPendingStateSavesSsOne()
    {
        using var h = Create(mdscr: Ss);
        h.Cpu.PstateSs = true;
        h.Cpu.El = 0;
        h.Cpu.SpSel = 0;
        h.Cpu.NextPc = El0Code;
        h.Cpu.TakeException(0, 0, kind: ExceptionKind.Irq);
        Assert.Equal(SpsrSs, h.Cpu.SysRegs.SpsrEl1 & SpsrSs);
        Assert.False(h.Cpu.PstateSs);
    }
}
