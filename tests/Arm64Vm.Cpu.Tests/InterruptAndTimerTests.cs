using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>IRQ-1..IRQ-3 and TMR-1..TMR-5 (specs/interrupts.md): the PE's interrupt inputs and the generic timer.</summary>
public class InterruptAndTimerTests
{
    private const uint Nop = 0xD503201F, DaifClrI = 0xD50342FF, DaifClrIF = 0xD50343FF, Wfi = 0xD503207F, Eret = 0xD69F03E0;

    /// <summary>A CPU interface that records the PPI levels the timer sends (TMR-3).</summary>
    private sealed class RecordingGic : IGicCpuInterface
    {
        public readonly List<(int Intid, bool Level)> Levels = new();
        public bool SystemRegisterInterface => true;
        public ulong ReadIcc(IccRegister register) => 0;
        public void WriteIcc(IccRegister register, ulong value) { }
        public void SetPpiLevel(int intid, bool level) => Levels.Add((intid, level));
    }

    private static void Step(CpuHarness h, int n)
    {
        for (int i = 0; i < n; i++) h.Cpu.Run(1);
    }

    [Fact]
    public void Irq2_MaskedIrqIsTakenAtTheBoundaryAfterDaifClr()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.CodeBase, Nop, Nop, DaifClrI, Nop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.SetIrqLine(true);                      // reset PSTATE has I set: pending, not taken
        Step(h, 2);
        Assert.Equal(CpuHarness.CodeBase + 8, h.Cpu.Pc);
        Assert.Equal(0x80UL, h.Cpu.SysRegs.Get("ISR_EL1"));
        Step(h, 1);
        Assert.Equal(CpuHarness.VectorBase + 0x280, h.Cpu.Pc);     // current EL with SP_ELx, IRQ
        Assert.Equal(CpuHarness.CodeBase + 12, h.Cpu.SysRegs.ElrEl1);
        Assert.Equal(0x345UL, h.Cpu.SysRegs.SpsrEl1);              // D, A, F still set; EL1h
        Assert.Equal(0x3C0u, h.Cpu.Daif);
    }

    [Fact]
    public void Irq2_FiqIsTakenBeforeIrqAtOffset0x100()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.CodeBase, DaifClrIF, Nop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.SetIrqLine(true);
        h.Cpu.SetFiqLine(true);
        Step(h, 1);
        Assert.Equal(CpuHarness.VectorBase + 0x300, h.Cpu.Pc);
        Assert.Equal(0xC0UL, h.Cpu.SysRegs.Get("ISR_EL1"));
    }

    [Fact]
    public void Irq2_EretThatUnmasksTakesTheSignalledIrqWithElrAtTheReturnAddress()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.CodeBase, Eret);
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.SysRegs.ElrEl1 = CpuHarness.CodeBase + 0x40;
        h.Cpu.SysRegs.SpsrEl1 = 0x0;                 // EL0t, all unmasked
        h.Cpu.SetIrqLine(true);
        Step(h, 1);
        Assert.Equal(CpuHarness.VectorBase + 0x480, h.Cpu.Pc);      // lower EL, AArch64, IRQ
        Assert.Equal(CpuHarness.CodeBase + 0x40, h.Cpu.SysRegs.ElrEl1);
        Assert.Equal(0x0UL, h.Cpu.SysRegs.SpsrEl1);
        Assert.Equal(1, h.Cpu.El);
    }

    [Fact]
    public void Irq3_WfiCompletesAtOnceWhenAnInputIsAssertedEvenMasked()
    {
        using var h = new CpuHarness();
        h.Load(CpuHarness.CodeBase, Wfi, Nop);
        h.Cpu.Pc = CpuHarness.CodeBase;
        var exit = h.Cpu.Run(1);
        Assert.Equal(ExitReason.WaitForInterrupt, exit.Reason);    // nothing signalled: the host sees the wait
        Assert.Equal(0u, exit.Iss & 1);                             // ISS.TI = 0: WFI
        h.Cpu.Pc = CpuHarness.CodeBase;
        h.Cpu.SetIrqLine(true);
        exit = h.Cpu.Run(1);
        Assert.Equal(ExitReason.InstructionLimit, exit.Reason);
        Assert.Equal(CpuHarness.CodeBase + 4, h.Cpu.Pc);
    }

    [Fact]
    public void Irq1_IccRegistersAreUndefinedWithoutAGicV3AndPfr0ShowsTheInterface()
    {
        using var h = new CpuHarness();
        var iar = SystemRegisterTable.ByName("ICC_IAR1_EL1");
        Assert.Equal(SysRegTrap.Undefined, h.Cpu.SysRegs.CheckAccess(iar, read: true));
        Assert.Equal(0UL, (h.Cpu.SysRegs.Get("ID_AA64PFR0_EL1") >> 24) & 0xF);
        h.Cpu.GicCpuInterface = new RecordingGic();
        Assert.Equal(SysRegTrap.None, h.Cpu.SysRegs.CheckAccess(iar, read: true));
        Assert.Equal(SysRegTrap.Undefined, h.Cpu.SysRegs.CheckAccess(iar, read: false));  // read-only
        Assert.Equal(1UL, (h.Cpu.SysRegs.Get("ID_AA64PFR0_EL1") >> 24) & 0xF);
        h.Cpu.El = 0;
        Assert.Equal(SysRegTrap.Undefined, h.Cpu.SysRegs.CheckAccess(iar, read: true));
    }

    [Fact]
    public void Tmr2_TvalWriteSetsCvalFromTheCountAndReadsTheSignedDifference()
    {
        using var h = new CpuHarness();
        var regs = h.Cpu.SysRegs;
        h.System.SkipTo(1000);
        ulong now = h.Cpu.CounterValue();
        Assert.Equal(1000UL, now);
        regs.Write(regs.Def("CNTV_TVAL_EL0"), unchecked((ulong)(uint)-100));      // negative: the past
        Assert.Equal(now - 100, regs.Get("CNTV_CVAL_EL0"));
        Assert.Equal((ulong)unchecked((uint)-100), regs.Read(regs.Def("CNTV_TVAL_EL0")));
        regs.Write(regs.Def("CNTV_CTL_EL0"), 1);
        Assert.Equal(5UL, regs.Read(regs.Def("CNTV_CTL_EL0")));                  // ENABLE | ISTATUS
        regs.Write(regs.Def("CNTV_CTL_EL0"), 0);
        Assert.Equal(0UL, regs.Read(regs.Def("CNTV_CTL_EL0")));                  // ISTATUS needs ENABLE
        regs.Write(regs.Def("CNTV_CTL_EL0"), 0xFF);
        Assert.Equal(7UL, regs.Read(regs.Def("CNTV_CTL_EL0")));                  // ISTATUS is read-only, RES0 above
    }

    [Fact]
    public void Tmr1_VirtualCountIsPhysicalMinusTheHostOffset()
    {
        using var h = new CpuHarness();
        h.System.SkipTo(5000);
        h.Cpu.CntvoffEl2 = 1200;
        Assert.Equal(5000UL, h.Cpu.SysRegs.Get("CNTPCT_EL0"));
        Assert.Equal(3800UL, h.Cpu.SysRegs.Get("CNTVCT_EL0"));
        h.Cpu.SysRegs.Set("CNTV_CVAL_EL0", 3900);
        h.Cpu.SysRegs.Set("CNTV_CTL_EL0", 1);
        Assert.Equal(5100UL, GenericTimer.NextDeadline(h.Cpu));                    // physical count of the virtual CVAL
    }

    [Fact]
    public void Tmr3_OutputsReachTheGicAsPpi30And27OnlyWhenTheyChange()
    {
        using var h = new CpuHarness();
        var gic = new RecordingGic();
        h.Cpu.GicCpuInterface = gic;
        var regs = h.Cpu.SysRegs;
        h.System.SkipTo(100);
        regs.Write(regs.Def("CNTP_CVAL_EL0"), 50);
        regs.Write(regs.Def("CNTP_CTL_EL0"), 3);              // enabled, masked: no output
        Assert.Empty(gic.Levels);
        regs.Write(regs.Def("CNTP_CTL_EL0"), 1);              // unmasked: PPI 30 rises
        regs.Write(regs.Def("CNTV_CVAL_EL0"), 200);
        regs.Write(regs.Def("CNTV_CTL_EL0"), 1);              // not yet
        Assert.Equal(new[] { (30, true) }, gic.Levels);
        h.System.SkipTo(200);
        GenericTimer.UpdateOutputs(h.Cpu);
        GenericTimer.UpdateOutputs(h.Cpu);                     // no change, nothing sent twice
        regs.Write(regs.Def("CNTP_CTL_EL0"), 0);              // disabled: PPI 30 falls
        Assert.Equal(new[] { (30, true), (27, true), (30, false) }, gic.Levels);
    }

    [Fact]
    public void Tmr4_NextDeadlineIgnoresMaskedDisabledAndFiredTimersAndSkipToNeverGoesBack()
    {
        using var h = new CpuHarness();
        var regs = h.Cpu.SysRegs;
        h.System.SkipTo(1000);
        regs.Set("CNTP_CVAL_EL0", 3000);
        regs.Set("CNTP_CTL_EL0", 3);                           // masked
        regs.Set("CNTV_CVAL_EL0", 500);
        regs.Set("CNTV_CTL_EL0", 1);                           // already fired
        Assert.Equal(ulong.MaxValue, GenericTimer.NextDeadline(h.Cpu));
        regs.Set("CNTP_CTL_EL0", 1);
        Assert.Equal(3000UL, GenericTimer.NextDeadline(h.Cpu));
        Assert.Equal(2000UL * CpuSystem.InstructionsPerTick, h.System.InstructionsUntil(3000));
        h.System.SkipTo(3000);
        h.System.SkipTo(10);
        Assert.Equal(3000UL, h.Cpu.CounterValue());
        Assert.Equal(ulong.MaxValue, GenericTimer.NextDeadline(h.Cpu));
    }

    [Fact]
    public void Tmr5_El0AccessFollowsCntkctl()
    {
        using var h = new CpuHarness();
        var regs = h.Cpu.SysRegs;
        h.Cpu.El = 0;
        Assert.Equal(SysRegTrap.TrapToEl1, regs.CheckAccess(regs.Def("CNTFRQ_EL0"), read: true));
        Assert.Equal(SysRegTrap.TrapToEl1, regs.CheckAccess(regs.Def("CNTVCT_EL0"), read: true));
        Assert.Equal(SysRegTrap.TrapToEl1, regs.CheckAccess(regs.Def("CNTV_CTL_EL0"), read: true));
        regs.CntkctlEl1 = 1 << 1;                              // EL0VCTEN
        Assert.Equal(SysRegTrap.None, regs.CheckAccess(regs.Def("CNTFRQ_EL0"), read: true));
        Assert.Equal(SysRegTrap.None, regs.CheckAccess(regs.Def("CNTVCT_EL0"), read: true));
        Assert.Equal(SysRegTrap.TrapToEl1, regs.CheckAccess(regs.Def("CNTPCT_EL0"), read: true));
        Assert.Equal(SysRegTrap.TrapToEl1, regs.CheckAccess(regs.Def("CNTV_CTL_EL0"), read: true));
        regs.CntkctlEl1 = 1 << 8;                              // EL0VTEN
        Assert.Equal(SysRegTrap.None, regs.CheckAccess(regs.Def("CNTV_TVAL_EL0"), read: false));
        Assert.Equal(SysRegTrap.TrapToEl1, regs.CheckAccess(regs.Def("CNTP_TVAL_EL0"), read: false));
    }
}
