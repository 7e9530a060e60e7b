using Xunit;
using static Arm64Vm.Cpu.Tests.Debug.DebugHarness;

namespace Arm64Vm.Cpu.Tests.Debug;

/// <summary>DBG-1..DBG-5, DBG-8..DBG-10 for hardware breakpoints (specs/debug.md).</summary>
public class BreakpointTests
{
    private const ulong Target = CpuHarness.CodeBase + 8;

    private static CpuHarness Armed(ulong bcr, ulong mdscr = Mde | Kde, bool osLock = false, bool masked = false, int n = 0)
    {
        var h = Create(mdscr, osLock, masked);
        h.Cpu.SysRegs.Set($"DBGBVR{n}_EL1", Target);
        h.Cpu.SysRegs.Set($"DBGBCR{n}_EL1", bcr);
        return h;
    }

    [Fact]
    public void DBG1_IdRegisterAdvertisesSixBreakpointsFourWatchpointsTwoContextAware()
    {
        using var h = Create();
        ulong dfr0 = h.Cpu.SysRegs.Get("ID_AA64DFR0_EL1");
        Assert.Equal(5UL, (dfr0 >> 12) & 0xF);    // BRPs - 1
        Assert.Equal(3UL, (dfr0 >> 20) & 0xF);    // WRPs - 1
        Assert.Equal(1UL, (dfr0 >> 28) & 0xF);    // CTX_CMPs - 1
        Assert.True(SystemRegisterTable.TryGetByName("DBGBCR5_EL1", out _));
        Assert.False(SystemRegisterTable.TryGetByName("DBGBCR6_EL1", out _));
        Assert.False(SystemRegisterTable.TryGetByName("DBGWCR4_EL1", out _));
    }

    [Fact]
    public void DBG2_BreakpointAtEl1TakesEc31BeforeTheInstructionWhichDoesNotRetire()
    {
        using var h = Armed(Bcr());
        var exit = h.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(ExitReason.Semihosting, exit.Reason);
        Assert.Equal(DebugExceptionClass.BreakpointSameEl, Ec(h.Cpu.X(20)));
        Assert.Equal(0x22u, Iss(h.Cpu.X(20)));
        Assert.Equal(Target, h.Cpu.X(21));
        Assert.Equal(2UL, h.Cpu.X(0));
        // Two ADDs, then the four MRS and the HLT of the vector: the breakpointed ADD does not retire.
        Assert.Equal(7UL, h.Cpu.Retired);
    }

    [Theory]
    [InlineData(0b0000, false)]
    [InlineData(0b0011, true)]
    [InlineData(0b1100, false)]   // the second halfword: no A64 instruction starts there
    [InlineData(0b1111, true)]
    public void DBG2_BasSelectsWhetherTheA64InstructionMatches(int bas, bool matches)
    {
        using var h = Armed(Bcr(bas: bas));
        h.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(matches ? 2UL : 4UL, h.Cpu.X(0));
        Assert.Equal(matches, Ec(h.Cpu.X(20)) == DebugExceptionClass.BreakpointSameEl);
    }

    [Fact]
    public void DBG2_BasUpperBitsReadAsCopiesOfTheLowerOnes()
    {
        using var h = Create();
        h.RunProgram(Msr(2, 0, 0, 0, 5, 1), Mrs(2, 0, 0, 0, 5, 2));
        h.Cpu.SetX(1, 1UL | 0b0101UL << 5);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.Run(2);
        Assert.Equal(1UL | 0b1111UL << 5, h.Cpu.X(2));
    }

    [Theory]
    [InlineData(0b01, true)]    // EL1 only
    [InlineData(0b10, false)]   // EL0 only
    [InlineData(0b11, true)]
    [InlineData(0b00, false)]
    public void DBG3_PmcSelectsTheExceptionLevelsAtEl1(int pmc, bool matches)
    {
        using var h = Armed(Bcr(pmc: pmc));
        h.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(matches ? 2UL : 4UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG3_PmcEl0BreakpointAtEl0TakesEc30WhateverKdeAndTheEl1DMask()
    {
        using var h = Create(mdscr: Mde, debugMasked: true);
        h.Cpu.SysRegs.Set("DBGBVR1_EL1", CpuHarness.CodeBase + 0x1004);
        h.Cpu.SysRegs.Set("DBGBCR1_EL1", Bcr(pmc: 0b10));
        h.RunAtEl0(0, AddX0, AddX0, AddX0);
        Assert.Equal(DebugExceptionClass.BreakpointLowerEl, Ec(h.Cpu.X(20)));
        Assert.Equal(CpuHarness.CodeBase + 0x1004, h.Cpu.X(21));
        Assert.Equal(1UL, h.Cpu.X(0));
    }

    [Fact]
    public void DBG3_ContextIdBreakpointMatchesEveryInstructionOfTheContextOnlyOnAContextAwareBreakpoint()
    {
        using var h = Create();
        h.Cpu.SysRegs.Set("CONTEXTIDR_EL1", 0x1234);
        h.Cpu.SysRegs.Set("DBGBVR4_EL1", 0x1234);
        h.Cpu.SysRegs.Set("DBGBCR4_EL1", Bcr(bt: 0b0010));
        h.RunProgram(AddX0, AddX0);
        Assert.Equal(DebugExceptionClass.BreakpointSameEl, Ec(h.Cpu.X(20)));
        Assert.Equal(CpuHarness.CodeBase, h.Cpu.X(21));

        using var plain = Create();
        plain.Cpu.SysRegs.Set("CONTEXTIDR_EL1", 0x1234);
        plain.Cpu.SysRegs.Set("DBGBVR3_EL1", 0x1234);
        plain.Cpu.SysRegs.Set("DBGBCR3_EL1", Bcr(bt: 0b0010));   // breakpoint 3 is not context-aware
        plain.RunProgram(AddX0, AddX0);
        Assert.Equal(2UL, plain.Cpu.X(0));
    }

    [Theory]
    [InlineData(0x1234u, true)]
    [InlineData(0x9999u, false)]
    public void DBG3_LinkedAddressBreakpointNeedsItsContextBreakpointToMatch(uint contextId, bool matches)
    {
        using var h = Armed(Bcr(bt: 0b0001, lbn: 5));
        h.Cpu.SysRegs.Set("CONTEXTIDR_EL1", contextId);
        h.Cpu.SysRegs.Set("DBGBVR5_EL1", 0x1234);
        h.Cpu.SysRegs.Set("DBGBCR5_EL1", Bcr(bt: 0b0011));
        h.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(matches ? 2UL : 4UL, h.Cpu.X(0));
    }

    public static TheoryData<string, ulong, bool, bool> Masks => new()
    {
        { "KDE clear", Mde, false, false },
        { "PSTATE.D set", Mde | Kde, false, true },
        { "OS lock set", Mde | Kde, true, false },
        { "MDE clear", Kde, false, false },
    };

    [Theory]
    [MemberData(nameof(Masks))]
    public void DBG4_DBG5_BreakpointAtEl1IsMaskedBy(string why, ulong mdscr, bool osLock, bool masked)
    {
        using var h = Armed(Bcr(), mdscr, osLock, masked);
        h.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.True(h.Cpu.X(0) == 4, why);
    }

    [Fact]
    public void DBG5_OsLockIsSetAtResetAndOslarClearsIt()
    {
        using var h = new CpuHarness();
        Assert.Equal(0b1010UL, h.Cpu.SysRegs.Get("OSLSR_EL1"));
        h.Cpu.SetX(1, 0);
        h.Run(Msr(2, 0, 1, 0, 4, 1), Mrs(2, 0, 1, 1, 4, 2));
        Assert.Equal(0b1000UL, h.Cpu.X(2));
    }

    [Fact]
    public void DBG5_DoubleLockMasksBreakpointsUnlessCorenpdrqIsSet()
    {
        using var h = Armed(Bcr());
        h.Cpu.SysRegs.Set("OSDLR_EL1", 1);
        h.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(4UL, h.Cpu.X(0));
        using var powered = Armed(Bcr());
        powered.Cpu.SysRegs.Set("OSDLR_EL1", 1);
        powered.Cpu.SysRegs.Set("DBGPRCR_EL1", 1);
        powered.RunProgram(AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(2UL, powered.Cpu.X(0));
    }

    [Fact]
    public void DBG9_EnablingABreakpointByMsrInsideABlockStopsAtTheNextInstruction()
    {
        using var h = Create();
        h.Cpu.SysRegs.Set("DBGBVR0_EL1", CpuHarness.CodeBase + 12);
        h.Cpu.SetX(1, Bcr());
        h.RunProgram(Msr(2, 0, 0, 0, 5, 1), AddX0, AddX0, AddX0, AddX0);
        Assert.Equal(DebugExceptionClass.BreakpointSameEl, Ec(h.Cpu.X(20)));
        Assert.Equal(2UL, h.Cpu.X(0));
        Assert.Equal(3UL + 5, h.Cpu.Retired);
    }

    [Fact]
    public void DBG10_RetiredCountIsTheSameInBlocksAndOneInstructionAtATime()
    {
        using var blocks = Armed(Bcr());
        blocks.RunProgram(AddX0, AddX0, AddX0, AddX0);
        using var single = Armed(Bcr());
        single.Load(CpuHarness.CodeBase, AddX0, AddX0, AddX0, AddX0, Hlt);
        single.Cpu.Pc = CpuHarness.CodeBase;
        while (single.Cpu.Run(1).Reason == ExitReason.InstructionLimit) { }
        Assert.Equal(blocks.Cpu.Retired, single.Cpu.Retired);
        Assert.Equal(blocks.Cpu.X(21), single.Cpu.X(21));
    }
}
