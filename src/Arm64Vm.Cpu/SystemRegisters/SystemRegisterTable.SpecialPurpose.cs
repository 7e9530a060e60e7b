namespace Arm64Vm.Cpu;

/// <summary>Special-purpose registers (Arm ARM C5.2): PSTATE views, ELR/SPSR, stack pointers, FP control.</summary>
public static partial class SystemRegisterTable
{
    private static void AddSpecialPurpose(List<SysRegDef> list)
    {
        list.Add(R("SPSR_EL1", 3, 0, 4, 0, 0));
        list.Add(R("ELR_EL1", 3, 0, 4, 0, 1));
        // SP_EL0 is accessible at EL1 only while SP_EL1 is selected (Arm ARM C5.2.19).
        list.Add(R("SP_EL0", 3, 0, 4, 1, 0, read: c => c.SpEl0, write: (c, v) => c.SpEl0 = v,
            trap: (c, _) => c.SpSel == 0 ? SysRegTrap.Undefined : SysRegTrap.None));
        list.Add(R("SPSel", 3, 0, 4, 2, 0, writeMask: 1, read: c => (ulong)c.SpSel, write: (c, v) => c.SpSel = (int)(v & 1)));
        list.Add(R("CurrentEL", 3, 0, 4, 2, 2, writable: false, read: c => (ulong)c.El << 2));
        list.Add(R("NZCV", 3, 3, 4, 2, 0, minEl: 0, writeMask: 0xF000_0000, read: c => c.Nzcv, write: (c, v) => c.Nzcv = (uint)v));
        // DAIF at EL0 only when SCTLR_EL1.UMA is 1, else trapped to EL1 (Arm ARM C5.2.2).
        list.Add(R("DAIF", 3, 3, 4, 2, 1, minEl: 0, writeMask: 0x3C0, read: c => c.Daif, write: (c, v) => c.SetDaif((uint)v),
            trap: (c, _) => c.El == 0 && (c.SysRegs.SctlrEl1 & (1UL << 9)) == 0 ? SysRegTrap.TrapToEl1 : SysRegTrap.None));
        list.Add(R("FPCR", 3, 3, 4, 4, 0, minEl: 0, writeMask: 0x07FF_0000, read: c => c.Fpcr, write: (c, v) => c.Fpcr = (uint)v, trap: FpTrap));
        list.Add(R("FPSR", 3, 3, 4, 4, 1, minEl: 0, writeMask: 0xF800_009F, read: c => c.Fpsr, write: (c, v) => c.Fpsr = (uint)v, trap: FpTrap));
    }
}
