namespace Arm64Vm.Cpu;

/// <summary>EL1 control registers: system control, translation controls, exception registers, thread IDs.</summary>
public static partial class SystemRegisterTable
{
    /// <summary>SCTLR_EL1 RES1 bits in Armv8.0: 29, 28, 23, 22, 20, 11 (Arm ARM D24.2.118).</summary>
    public const ulong SctlrRes1 = (1UL << 29) | (1UL << 28) | (1UL << 23) | (1UL << 22) | (1UL << 20) | (1UL << 11);

    private static void AddControl(List<SysRegDef> list)
    {
        list.Add(R("SCTLR_EL1", 3, 0, 1, 0, 0, reset: SctlrRes1,
            write: (c, v) =>
            {
                // EE (bit 25) and E0E (bit 24) select big-endian data: not implemented, so they are RES0 here.
                ulong old = c.SysRegs.SctlrEl1;
                c.SysRegs.SctlrEl1 = (v | SctlrRes1) & ~((1UL << 25) | (1UL << 24));
                c.Mmu.OnSctlrWritten(old);
            }));
        list.Add(R("ACTLR_EL1", 3, 0, 1, 0, 1));
        // CPACR_EL1: only FPEN [21:20] is implemented (no SVE/SME, no trace).
        list.Add(R("CPACR_EL1", 3, 0, 1, 0, 2, writeMask: 3UL << 20));
        // TTBR0/TTBR1/TCR writes never flush the TLB; the typed setters re-tag it when the ASID changes.
        list.Add(R("TTBR0_EL1", 3, 0, 2, 0, 0, write: (c, v) => c.SysRegs.Ttbr0El1 = v));
        list.Add(R("TTBR1_EL1", 3, 0, 2, 0, 1, write: (c, v) => c.SysRegs.Ttbr1El1 = v));
        list.Add(R("TCR_EL1", 3, 0, 2, 0, 2, write: (c, v) => c.SysRegs.TcrEl1 = v));
        list.Add(R("AFSR0_EL1", 3, 0, 5, 1, 0));
        list.Add(R("AFSR1_EL1", 3, 0, 5, 1, 1));
        list.Add(R("ESR_EL1", 3, 0, 5, 2, 0, writeMask: 0xFFFF_FFFF));
        list.Add(R("FAR_EL1", 3, 0, 6, 0, 0));
        list.Add(R("PAR_EL1", 3, 0, 7, 4, 0));
        list.Add(R("MAIR_EL1", 3, 0, 10, 2, 0, write: (c, v) => { ulong old = c.SysRegs.MairEl1; c.SysRegs.MairEl1 = v; c.Mmu.OnMairWritten(old); }));
        list.Add(R("AMAIR_EL1", 3, 0, 10, 3, 0));
        list.Add(R("VBAR_EL1", 3, 0, 12, 0, 0, writeMask: ~0x7FFUL));
        list.Add(R("ISR_EL1", 3, 0, 12, 1, 0, writable: false, read: c => c.PendingInterruptStatus()));
        list.Add(R("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, writeMask: 0xFFFF_FFFF));
        list.Add(R("TPIDR_EL1", 3, 0, 13, 0, 4));
        list.Add(R("TPIDR_EL0", 3, 3, 13, 0, 2, minEl: 0));
        // TPIDRRO_EL0: read-only at EL0, read/write at EL1.
        list.Add(R("TPIDRRO_EL0", 3, 3, 13, 0, 3, minEl: 0,
            trap: (c, read) => !read && c.El == 0 ? SysRegTrap.Undefined : SysRegTrap.None));
        list.Add(R("CSSELR_EL1", 3, 2, 0, 0, 0, writeMask: 0xF));
    }
}
