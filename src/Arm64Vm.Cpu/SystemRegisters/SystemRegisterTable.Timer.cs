namespace Arm64Vm.Cpu;

/// <summary>
/// Generic timer registers (Arm ARM D11). The system counter advances with retired instructions
/// (<see cref="CpuSystem.InstructionsPerTick"/>), so time is deterministic. CNTVOFF_EL2 is zero: virtual = physical.
/// </summary>
public static partial class SystemRegisterTable
{
    private static void AddTimer(List<SysRegDef> list)
    {
        // CNTFRQ_EL0 is writable only at the highest implemented EL (the host's EL2): read-only to the guest.
        list.Add(R("CNTFRQ_EL0", 3, 3, 14, 0, 0, minEl: 0, writable: false, read: _ => CpuSystem.CounterFrequency));
        list.Add(R("CNTPCT_EL0", 3, 3, 14, 0, 1, minEl: 0, writable: false, read: c => c.CounterValue(),
            trap: (c, _) => c.El == 0 && (c.SysRegs.CntkctlEl1 & 1) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(R("CNTVCT_EL0", 3, 3, 14, 0, 2, minEl: 0, writable: false, read: c => c.CounterValue(),
            trap: (c, _) => c.El == 0 && (c.SysRegs.CntkctlEl1 & 2) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(R("CNTKCTL_EL1", 3, 0, 14, 1, 0, writeMask: 0x3FF));
        AddTimerChannel(list, "CNTP", 2, 0);   // physical timer: EL0 access per CNTKCTL_EL1.EL0PTEN (bit 9)
        AddTimerChannel(list, "CNTV", 3, 1);   // virtual timer: EL0 access per CNTKCTL_EL1.EL0VTEN (bit 8)
    }

    private static void AddTimerChannel(List<SysRegDef> list, string prefix, int crm, int timer)
    {
        int enBit = timer == 0 ? 9 : 8;
        SysRegTrap El0Trap(CpuCore c, bool _) =>
            c.El == 0 && ((c.SysRegs.CntkctlEl1 >> enBit) & 1) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None;
        SysRegDef? cval = null;
        var ctl = R($"{prefix}_CTL_EL0", 3, 3, 14, crm, 1, minEl: 0, writeMask: 3, trap: El0Trap,
            read: c =>
            {
                ulong v = c.SysRegs.Stored(c.SysRegs.Def($"{prefix}_CTL_EL0"));
                // ISTATUS (bit 2): the timer condition is met while enabled.
                if ((v & 1) != 0 && c.CounterValue() >= c.SysRegs.Stored(cval!)) v |= 4;
                return v;
            });
        cval = R($"{prefix}_CVAL_EL0", 3, 3, 14, crm, 2, minEl: 0, trap: El0Trap);
        var tval = R($"{prefix}_TVAL_EL0", 3, 3, 14, crm, 0, minEl: 0, trap: El0Trap,
            read: c => (ulong)(uint)(c.SysRegs.Stored(cval) - c.CounterValue()),
            write: (c, v) => c.SysRegs.Store(cval, c.CounterValue() + (ulong)(long)(int)(uint)v));
        list.Add(tval);
        list.Add(ctl);
        list.Add(cval);
    }
}
