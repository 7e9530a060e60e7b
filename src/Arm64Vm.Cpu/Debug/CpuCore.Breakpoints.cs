namespace Arm64Vm.Cpu;

/// <summary>Hardware breakpoints (Arm ARM (DDI 0487K.a) D2.8, "Breakpoint exceptions"; specs/debug.md DBG-2, DBG-3).</summary>
public sealed partial class CpuCore
{
    /// <summary>
    /// DBG-2: some enabled breakpoint matches the instruction at <paramref name="pc"/> in the current context
    /// (AArch64.BreakpointMatch). Callers check that debug exceptions are enabled (DBG-4) and MDSCR_EL1.MDE.
    /// </summary>
    internal bool BreakpointMatches(ulong pc)
    {
        for (int n = 0; n < DebugUnit.Breakpoints; n++)
        {
            ulong bcr = Dbg(DebugSlots.Bcr[n]);
            if ((bcr & 1) == 0 || !DebugUnit.StateMatch(bcr, El)) continue;
            ulong bt = (bcr >> 20) & 0xF;
            bool match = bt switch
            {
                0b0000 => AddressMatches(n, bcr, pc),
                0b0001 => AddressMatches(n, bcr, pc) && LinkedContextMatches((int)((bcr >> 16) & 0xF)),
                0b0010 => n >= DebugUnit.FirstContextBreakpoint && ContextIdMatches(n),
                // 0b0011 (linked context ID) only qualifies the breakpoints and watchpoints linked to it; address
                // mismatch and the VMID and CONTEXTIDR_EL2 types need AArch32 or EL2: reserved, no match.
                _ => false,
            };
            if (match) return true;
        }
        return false;
    }

    /// <summary>
    /// DBG-2: an A64 instruction matches when it is at DBGBVR[48:2] and BAS[0] is set (BAS = 0b0011 or 0b1111; 0b1100
    /// names the second halfword, where no A64 instruction starts, and 0b0000 matches nothing).
    /// </summary>
    private bool AddressMatches(int n, ulong bcr, ulong pc) =>
        ((bcr >> 5) & 1) != 0 && ((DebugUnit.Address(Dbg(DebugSlots.Bvr[n])) ^ pc) & 0x0001_FFFF_FFFF_FFFCUL) == 0;

    /// <summary>DBG-3: CONTEXTIDR_EL1 equals DBGBVR&lt;n&gt;[31:0] (a context-aware breakpoint).</summary>
    private bool ContextIdMatches(int n) => (uint)Dbg(DebugSlots.Bvr[n]) == (uint)Dbg(DebugSlots.ContextId);

    /// <summary>
    /// DBG-3: the breakpoint a linked breakpoint or watchpoint names (LBN) is context-aware, enabled, of type linked
    /// context ID match (0b0011) and matches CONTEXTIDR_EL1 (AArch64.BreakpointLinkMatch); anything else is
    /// CONSTRAINED UNPREDICTABLE and taken as no match.
    /// </summary>
    internal bool LinkedContextMatches(int lbn)
    {
        if (lbn < DebugUnit.FirstContextBreakpoint || lbn >= DebugUnit.Breakpoints) return false;
        ulong bcr = Dbg(DebugSlots.Bcr[lbn]);
        return (bcr & 1) != 0 && ((bcr >> 20) & 0xF) == 0b0011 && ContextIdMatches(lbn);
    }
}
