namespace Arm64Vm.Cpu;

/// <summary>
/// The self-hosted debug unit's configuration and its register-field helpers (Arm ARM (DDI 0487K.a) chapter D2,
/// specs/debug.md). The PE implements one Security state (Non-secure) and no EL2 or EL3 as the guest sees it.
/// </summary>
public static class DebugUnit
{
    /// <summary>DBG-1: breakpoints (Cortex-A57: six).</summary>
    public const int Breakpoints = 6;
    /// <summary>DBG-1: watchpoints (Cortex-A57: four).</summary>
    public const int Watchpoints = 4;
    /// <summary>DBG-1: context-aware breakpoints, the highest-numbered ones (4 and 5), as on a Cortex-A57.</summary>
    public const int ContextBreakpoints = 2;
    /// <summary>The first context-aware breakpoint.</summary>
    public const int FirstContextBreakpoint = Breakpoints - ContextBreakpoints;

    // MDSCR_EL1 fields (Arm ARM D24.3.21).
    internal const ulong MdscrSs = 1, MdscrKde = 1UL << 13, MdscrMde = 1UL << 15;

    /// <summary>IFSC/DFSC of every debug exception: 0b100010, "Debug exception".</summary>
    internal const uint DebugFaultStatus = 0b100010;

    /// <summary>DBG-2: BAS[3] is a read-only copy of BAS[2] and BAS[1] of BAS[0].</summary>
    public static ulong WithBasCopies(ulong bcr)
    {
        ulong bas0 = (bcr >> 5) & 1, bas2 = (bcr >> 7) & 1;
        return (bcr & ~(0xFUL << 5)) | (bas0 << 5) | (bas0 << 6) | (bas2 << 7) | (bas2 << 8);
    }

    /// <summary>
    /// DBG-3: the EL and Security-state filter of a breakpoint or watchpoint (AArch64.StateMatch) for a PE with one
    /// Security state and neither EL2 nor EL3: PMC/PAC bit 0 selects EL1, bit 1 selects EL0. SSC = 0b10 (Secure only)
    /// never matches a Non-secure PE; HMC and the other SSC values only add EL2 or EL3, which do not exist here.
    /// </summary>
    internal static bool StateMatch(ulong control, int el)
    {
        ulong ssc = (control >> 14) & 3;
        if (ssc == 0b10) return false;
        ulong pmc = (control >> 1) & 3;
        return el == 0 ? (pmc & 2) != 0 : (pmc & 1) != 0;
    }

    /// <summary>Bits [48:2] of a breakpoint or watchpoint value register, sign-extended from bit 48 (the RESS bits are not compared).</summary>
    internal static ulong Address(ulong value) => (ulong)((long)(value << 15) >> 15) & ~3UL;
}
