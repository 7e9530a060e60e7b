namespace Arm64Vm.Cpu;

/// <summary>Watchpoints (Arm ARM (DDI 0487K.a) D2.10, "Watchpoint exceptions"; specs/debug.md DBG-6).</summary>
public sealed partial class CpuCore
{
    /// <summary>
    /// DBG-6: the first byte of the access [<paramref name="va"/>, va + <paramref name="size"/>) that an enabled
    /// watchpoint matches (AArch64.WatchpointMatch: E, LSC, the EL filter of the access's privilege
    /// <paramref name="el"/>, an optional context link, then BAS or MASK), and whether the matching watchpoint watches
    /// stores (ISS.WnR). False when none matches.
    /// </summary>
    internal bool WatchpointMatch(ulong va, int size, bool read, bool write, int el, out ulong hit, out bool wnr)
    {
        for (int n = 0; n < DebugUnit.Watchpoints; n++)
        {
            ulong wcr = Dbg(DebugSlots.Wcr[n]);
            if ((wcr & 1) == 0) continue;
            ulong lsc = (wcr >> 3) & 3;
            bool loads = (lsc & 1) != 0 && read, stores = (lsc & 2) != 0 && write;
            if (!loads && !stores) continue;
            if (!DebugUnit.StateMatch(wcr, el)) continue;
            if (((wcr >> 20) & 1) != 0 && !LinkedContextMatches((int)((wcr >> 16) & 0xF))) continue;
            for (int b = 0; b < size; b++)
            {
                if (!ByteMatches(Dbg(DebugSlots.Wvr[n]), wcr, va + (ulong)b)) continue;
                hit = va + (ulong)b;
                // An access that is both (an atomic read-modify-write) reports a store when the watchpoint watches stores.
                wnr = stores;
                return true;
            }
        }
        hit = 0;
        wnr = false;
        return false;
    }

    /// <summary>
    /// DBG-6: AArch64.WatchpointByteMatch. MASK = 0: the bytes BAS selects in the doubleword at DBGWVR (the word when
    /// DBGWVR[2] = 1, BAS[3:0] then). MASK = 3..31: the 2^MASK-byte block at DBGWVR. The CONSTRAINED UNPREDICTABLE
    /// cases are taken as: MASK = 1 or 2 matches nothing; MASK with BAS other than all ones, a non-contiguous BAS and
    /// non-zero masked DBGWVR bits match as if programmed correctly (the block, the selected bytes, the block).
    /// </summary>
    private static bool ByteMatches(ulong wvr, ulong wcr, ulong address)
    {
        const ulong Va48 = 0x0001_FFFF_FFFF_FFFFUL;     // bits [48:0]: the compared part of a VA
        int mask = (int)((wcr >> 24) & 0x1F);
        ulong watched = DebugUnit.Address(wvr);
        if (mask != 0)
        {
            if (mask <= 2) return false;
            return ((watched ^ address) & Va48 & ~((1UL << mask) - 1)) == 0;
        }
        int bottom = (watched & 4) != 0 ? 2 : 3;
        if (((watched ^ address) & Va48 & ~((1UL << bottom) - 1)) != 0) return false;
        int select = (int)(address & ((1UL << bottom) - 1));
        return ((wcr >> (5 + select)) & 1) != 0;
    }
}
