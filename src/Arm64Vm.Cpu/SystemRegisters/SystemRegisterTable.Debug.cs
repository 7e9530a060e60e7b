namespace Arm64Vm.Cpu;

/// <summary>
/// Self-hosted debug registers (Arm ARM (DDI 0487K.a) chapter D2; specs/debug.md): MDSCR_EL1, the OS lock and
/// double lock, six breakpoints (DBGBVR/DBGBCR 0-5, numbers 4 and 5 context-aware) and four watchpoints
/// (DBGWVR/DBGWCR 0-3), the counts of a Cortex-A57 (DBG-1). Every write of a register the debug unit consults
/// re-derives what the run loop checks (<see cref="CpuCore.DebugRegistersChanged"/>, via SystemRegisterFile).
/// </summary>
public static partial class SystemRegisterTable
{
    /// <summary>MDSCR_EL1 bits kept: SS [0], TDCC [12], KDE [13], MDE [15] (the others are RES0 or external-debug state).</summary>
    private const ulong MdscrWritable = 1UL | 1UL << 12 | 1UL << 13 | 1UL << 15;
    /// <summary>DBGBCR: E, PMC, BAS, HMC, SSC, LBN, BT.</summary>
    private const ulong BcrWritable = 0x00FF_E1E7;
    /// <summary>DBGWCR: E, PAC, LSC, BAS, HMC, SSC, LBN, WT, MASK.</summary>
    private const ulong WcrWritable = 0x1F1F_FFFF;

    private static void AddDebug(List<SysRegDef> list)
    {
        list.Add(R("MDSCR_EL1", 2, 0, 0, 2, 2, writeMask: MdscrWritable));
        list.Add(R("MDCCINT_EL1", 2, 0, 0, 2, 0));
        list.Add(R("OSDTRRX_EL1", 2, 0, 0, 0, 2));
        list.Add(R("OSDTRTX_EL1", 2, 0, 0, 3, 2));
        list.Add(R("OSECCR_EL1", 2, 0, 0, 6, 2));
        list.Add(R("MDRAR_EL1", 2, 0, 1, 0, 0, writable: false, read: _ => 0));
        // DBG-5: OSLAR_EL1 is write-only and sets OSLSR_EL1.OSLK (bit 1); OSLM = 0b10 (bit 3): the OS lock is
        // implemented. OSLK is 1 after a cold reset (Arm ARM D2.5, "The OS Lock").
        list.Add(R("OSLAR_EL1", 2, 0, 1, 0, 4, readable: false, write: (c, v) => c.SysRegs.Set("OSLSR_EL1", 0b1000 | ((v & 1) << 1))));
        list.Add(R("OSLSR_EL1", 2, 0, 1, 1, 4, reset: 0b1010, writable: false));
        list.Add(R("OSDLR_EL1", 2, 0, 1, 3, 4, writeMask: 1));
        list.Add(R("DBGPRCR_EL1", 2, 0, 1, 4, 4, writeMask: 1));
        list.Add(R("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, reset: 0xFF, writeMask: 0));
        list.Add(R("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, writeMask: 0, read: _ => 0));
        list.Add(R("DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6, writable: false, read: _ => 0));
        for (int n = 0; n < DebugUnit.Breakpoints; n++)
        {
            string bcr = $"DBGBCR{n}_EL1";
            list.Add(R($"DBGBVR{n}_EL1", 2, 0, 0, n, 4));
            // DBG-2: BAS[3] reads as BAS[2] and BAS[1] as BAS[0] (the halfword pairs of an A32/T32 word).
            list.Add(R(bcr, 2, 0, 0, n, 5, writeMask: BcrWritable, write: (c, v) => c.SysRegs.Set(bcr, DebugUnit.WithBasCopies(v))));
        }
        for (int n = 0; n < DebugUnit.Watchpoints; n++)
        {
            list.Add(R($"DBGWVR{n}_EL1", 2, 0, 0, n, 6));
            list.Add(R($"DBGWCR{n}_EL1", 2, 0, 0, n, 7, writeMask: WcrWritable));
        }
    }
}
