namespace Arm64Vm.Cpu;

/// <summary>
/// The TLB's translation context: entries are tagged with the ASID and VMID they were made under (Arm ARM D8.16,
/// "Translation Lookaside Buffers"), so switching either needs no invalidation; and with whether stage 1 was enabled,
/// since the flat translations cached while SCTLR_EL1.M = 0 must not serve the MMU-on regime or the reverse. The
/// inline fast paths compare only the VA tag; to keep that, a context switch parks the entries that do not belong
/// to the new context (a non-global entry of another ASID, any entry of another VMID or of the other stage-1 mode)
/// by setting <see cref="TlbEntry.ParkedBit"/> in their tag (TLB-3, <see cref="Tlb.SwitchContext"/>), and un-parks those that do. A parked entry is never used, stays subject to TLBI (by its own ASID/VMID), and is
/// usable again when its context returns.
/// Writes to TTBR0/TTBR1/TCR_EL1 never flush: the TLB keeps translations made with the old values until the guest
/// invalidates them, as hardware may (every TCR_EL1 bit but A1, and EPDx = 1, is permitted to be cached in a TLB:
/// Arm ARM D24.2.194; A1 only selects the ASID, which the re-tagging below follows at once).
/// SCTLR_EL1.C/I/WXN and MAIR_EL1 are folded into the entries' permissions and attributes, so they are part of the
/// context too (the attribute context, a small id per value pair seen): an entry made under other values is parked,
/// which re-walks under the new values (an outcome the architecture permits), and comes back when the values do —
/// so a PE reset, which returns them to their reset values, and a new boot that programs them as the last one did,
/// find the old translations still there, as a TLB that is not invalidated keeps them.
/// </summary>
public sealed partial class Mmu
{
    /// <summary>SCTLR_EL1 bits whose effect is folded into TLB entries: C (2), I (12), WXN (19). M selects the context.</summary>
    private const ulong SctlrTranslationBits = (1UL << 2) | (1UL << 12) | (1UL << 19);

    /// <summary>
    /// Brings the TLB to the current context (TLB-3): called after every write to SCTLR_EL1, TTBR0_EL1, TTBR1_EL1,
    /// TCR_EL1 (A1 selects the TTBR holding the ASID, AS its width) and VTTBR_EL2, and before every fill.
    /// Costs a few compares when nothing changed; otherwise one pass over the TLB.
    /// </summary>
    public void SyncTlbContext()
    {
        if (_tlb.SwitchContext(CurrentAsid, CurrentVmid, Stage1Enabled, _regs.SctlrEl1 & SctlrTranslationBits, _regs.MairEl1))
            _cpu.InvalidateFetch();    // the cached fetch page came from an entry of the old context
    }

    /// <summary>An MSR to SCTLR_EL1 (see <see cref="SctlrTranslationBits"/>): the TLB follows the new context.</summary>
    internal void OnSctlrWritten(ulong old)
    {
        if (((old ^ _regs.SctlrEl1) & SctlrTranslationBits) != 0) SyncTlbContext();
    }

    /// <summary>An MSR to MAIR_EL1: entries hold attributes decoded from it, so it selects the attribute context.</summary>
    internal void OnMairWritten(ulong old)
    {
        if (old != _regs.MairEl1) SyncTlbContext();
    }
}
