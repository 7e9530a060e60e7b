namespace Arm64Vm.Cpu;

/// <summary>
/// Debug registers an OS programs even when it uses no debugger: storage with their architectural write masks.
/// Breakpoints and watchpoints are advertised (two of each, the Armv8 minimum) but never match: no external
/// debugger is attached and self-hosted debug events are not generated (specs/deviations.md).
/// </summary>
public static partial class SystemRegisterTable
{
    private static void AddDebug(List<SysRegDef> list)
    {
        list.Add(R("MDSCR_EL1", 2, 0, 0, 2, 2));
        list.Add(R("MDCCINT_EL1", 2, 0, 0, 2, 0));
        list.Add(R("OSDTRRX_EL1", 2, 0, 0, 0, 2));
        list.Add(R("OSDTRTX_EL1", 2, 0, 0, 3, 2));
        list.Add(R("OSECCR_EL1", 2, 0, 0, 6, 2));
        list.Add(R("MDRAR_EL1", 2, 0, 1, 0, 0, writable: false, read: _ => 0));
        // OSLAR_EL1 is write-only; OSLSR_EL1 reports the lock (OSLM = 0b10: OS lock implemented, OSLK = bit 1).
        list.Add(R("OSLAR_EL1", 2, 0, 1, 0, 4, readable: false, write: (c, v) => c.SysRegs.Set("OSLSR_EL1", 0b1000 | ((v & 1) << 1))));
        list.Add(R("OSLSR_EL1", 2, 0, 1, 1, 4, reset: 0b1010, writable: false));
        list.Add(R("OSDLR_EL1", 2, 0, 1, 3, 4, writeMask: 1));
        list.Add(R("DBGPRCR_EL1", 2, 0, 1, 4, 4, writeMask: 1));
        list.Add(R("DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, reset: 0xFF, writeMask: 0));
        list.Add(R("DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, writeMask: 0, read: _ => 0));
        list.Add(R("DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6, writable: false, read: _ => 0));
        for (int n = 0; n < 2; n++)
        {
            list.Add(R($"DBGBVR{n}_EL1", 2, 0, 0, n, 4));
            list.Add(R($"DBGBCR{n}_EL1", 2, 0, 0, n, 5, writeMask: 0x00F0_61E7));
            list.Add(R($"DBGWVR{n}_EL1", 2, 0, 0, n, 6, writeMask: ~3UL));
            list.Add(R($"DBGWCR{n}_EL1", 2, 0, 0, n, 7, writeMask: 0x1F00_3FFF));
        }
    }
}
