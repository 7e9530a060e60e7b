namespace Arm64Vm.Cpu;

/// <summary>
/// Generic timer registers (Arm ARM (DDI 0487K.a) chapter D11; TMR-1..TMR-5 in specs/interrupts.md). The system counter
/// advances with retired instructions (<see cref="CpuSystem.InstructionsPerTick"/>) plus the time a machine with every PE
/// waiting skips, so time is deterministic; CNTVCT = CNTPCT - CNTVOFF_EL2 (set by the host). A write to a timer register
/// re-evaluates the outputs the interrupt controller samples as PPIs 30 and 27 (<see cref="GenericTimer"/>).
/// </summary>
public static partial class SystemRegisterTable
{
    private static void AddTimer(List<SysRegDef> list)
    {
        // CNTFRQ_EL0 is writable only at the highest implemented EL (the host's EL2): read-only to the guest. TMR-5: EL0
        // reads it when CNTKCTL_EL1.EL0PCTEN or EL0VCTEN is set.
        list.Add(R("CNTFRQ_EL0", 3, 3, 14, 0, 0, minEl: 0, writable: false, read: _ => CpuSystem.CounterFrequency,
            trap: (c, _) => c.El == 0 && (c.SysRegs.CntkctlEl1 & 3) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(R("CNTPCT_EL0", 3, 3, 14, 0, 1, minEl: 0, writable: false, read: c => c.CounterValue(),
            trap: (c, _) => c.El == 0 && (c.SysRegs.CntkctlEl1 & 1) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(R("CNTVCT_EL0", 3, 3, 14, 0, 2, minEl: 0, writable: false, read: c => c.CounterValue() - c.CntvoffEl2,
            trap: (c, _) => c.El == 0 && (c.SysRegs.CntkctlEl1 & 2) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(R("CNTKCTL_EL1", 3, 0, 14, 1, 0, writeMask: 0x3FF));
        AddTimerChannel(list, "CNTP", 2, TimerChannel.Physical);   // EL0 access per CNTKCTL_EL1.EL0PTEN (bit 9)
        AddTimerChannel(list, "CNTV", 3, TimerChannel.Virtual);    // EL0 access per CNTKCTL_EL1.EL0VTEN (bit 8)
    }

    private static void AddTimerChannel(List<SysRegDef> list, string prefix, int crm, TimerChannel channel)
    {
        int enBit = channel == TimerChannel.Physical ? 9 : 8;
        SysRegTrap El0Trap(CpuCore c, bool _) =>
            c.El == 0 && ((c.SysRegs.CntkctlEl1 >> enBit) & 1) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None;
        SysRegDef? cval = null, ctl = null;
        // TMR-2: CTL holds ENABLE and IMASK; ISTATUS (bit 2) is read-only and computed.
        ctl = R($"{prefix}_CTL_EL0", 3, 3, 14, crm, 1, minEl: 0, writeMask: GenericTimer.CtlEnable | GenericTimer.CtlImask, trap: El0Trap,
            read: c => c.SysRegs.Stored(ctl!) | (GenericTimer.Condition(c, channel) ? GenericTimer.CtlIstatus : 0),
            write: (c, v) => { c.SysRegs.Store(ctl!, v & 3); GenericTimer.UpdateOutputs(c); });
        cval = R($"{prefix}_CVAL_EL0", 3, 3, 14, crm, 2, minEl: 0, trap: El0Trap,
            write: (c, v) => { c.SysRegs.Store(cval!, v); GenericTimer.UpdateOutputs(c); });
        // TMR-2: TVAL reads (CVAL - count)[31:0] and a write sets CVAL = count + SignExtend(TVAL[31:0]).
        var tval = R($"{prefix}_TVAL_EL0", 3, 3, 14, crm, 0, minEl: 0, trap: El0Trap,
            read: c => (uint)(c.SysRegs.Stored(cval) - GenericTimer.Count(c, channel)),
            write: (c, v) => { c.SysRegs.Store(cval, GenericTimer.Count(c, channel) + (ulong)(long)(int)(uint)v); GenericTimer.UpdateOutputs(c); });
        list.Add(tval);
        list.Add(ctl);
        list.Add(cval);
    }
}
