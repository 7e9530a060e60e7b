namespace Arm64Vm.Cpu;

/// <summary>What a TLB invalidation selects (Arm ARM D8.16, "TLB maintenance instructions").</summary>
public enum TlbiScope : byte
{
    /// <summary>VMALLE1, VMALLS12E1: every entry of the VMID; ALLE1: every entry of every VMID.</summary>
    All,
    /// <summary>ASIDE1: non-global entries of ASID Xt[63:48].</summary>
    Asid,
    /// <summary>VAE1, VALE1: entries for VA Xt[43:0] &lt;&lt; 12 that are global or of ASID Xt[63:48].</summary>
    Va,
    /// <summary>VAAE1, VAALE1: entries for VA Xt[43:0] &lt;&lt; 12 of any ASID.</summary>
    VaAllAsids,
    /// <summary>IPAS2E1, IPAS2LE1: entries whose stage-2 mapping covers IPA Xt[35:0] &lt;&lt; 12.</summary>
    Ipa,
}

/// <summary>
/// TLB maintenance on the per-PE software TLB. Entries are 4 KiB pieces of combined stage-1 + stage-2
/// translations tagged by ASID and VMID (usable or parked, see TlbContext.cs): every EL1 and EL2 invalidation
/// selects the entries of the issuing PE's current VMID only (ALLE1: of every VMID), whether they are usable or
/// parked. An invalidation by VA matches at the stage-1 mapping size and one by IPA at the stage-2 mapping size, so a
/// TLBI by address inside a block removes every piece of the block. Inner Shareable forms reach every PE of the
/// system (each drops its entries of that VMID, whatever VMID it runs now); EL1 forms are upgraded to Inner
/// Shareable by HCR_EL2.FB. Completion is immediate (the interpreter has no outstanding walks), so after TLBI + DSB
/// a removed translation is never used again; the fetch path's cached page is dropped as well.
/// </summary>
public sealed partial class Mmu
{
    /// <summary>An EL1 TLBI instruction (the SYS rows of SystemRegisterTable.Tlb.cs).</summary>
    internal void ExecuteTlbi(TlbiScope scope, ulong xt, bool innerShareable)
    {
        bool broadcast = innerShareable || (_cpu.HcrEl2 & Hcr.FB) != 0;
        Invalidate(scope, xt, broadcast, anyVmid: false);
    }

    /// <summary>TLBI IPAS2E1(IS) / IPAS2LE1(IS) for the host: stage-2 entries covering <paramref name="ipa"/> for the current VMID.</summary>
    public void TlbiIpas2e1(ulong ipa, bool innerShareable) =>
        Invalidate(TlbiScope.Ipa, (ipa >> 12) & 0xF_FFFF_FFFFUL, innerShareable, anyVmid: false);

    /// <summary>TLBI VMALLS12E1(IS) for the host: all stage-1 and stage-2 entries of the current VMID.</summary>
    public void TlbiVmalls12e1(bool innerShareable) => Invalidate(TlbiScope.All, 0, innerShareable, anyVmid: false);

    /// <summary>
    /// TLBI VMALLE1(IS) issued by the host at EL2 in the VM's VMID context: every stage-1 translation of the current
    /// VMID. HCR_EL2.FB does not upgrade it (it applies to EL1 only). Entries here are combined stage-1 + stage-2
    /// translations, so it selects the same entries as VMALLS12E1; the host uses it where KVM does.
    /// </summary>
    public void TlbiVmalle1(bool innerShareable) => Invalidate(TlbiScope.All, 0, innerShareable, anyVmid: false);

    /// <summary>TLBI ALLE1(IS) for the host: every EL1&amp;0 entry of every VMID.</summary>
    public void TlbiAlle1(bool innerShareable) => Invalidate(TlbiScope.All, 0, innerShareable, anyVmid: true);

    private void Invalidate(TlbiScope scope, ulong xt, bool broadcast, bool anyVmid)
    {
        ushort vmid = CurrentVmid;
        if (!broadcast)
        {
            InvalidateLocal(scope, xt, vmid, anyVmid);
            return;
        }
        var cpus = _cpu.System.Cpus;
        for (int i = 0; i < cpus.Count; i++) cpus[i].Mmu.InvalidateLocal(scope, xt, vmid, anyVmid);
    }

    /// <summary>Invalidates every TLB entry of this PE (of every ASID and VMID); the TLB keeps the current context (TLB-3).</summary>
    public void FlushTlb()
    {
        _tlb.Flush(CurrentAsid, CurrentVmid, Stage1Enabled, _regs.SctlrEl1 & SctlrTranslationBits, _regs.MairEl1);
        _cpu.InvalidateFetch();
    }

    /// <summary>Applies one invalidation to this PE's TLB (both ways, usable and parked entries).</summary>
    internal void InvalidateLocal(TlbiScope scope, ulong xt, ushort vmid, bool anyVmid)
    {
        if (scope == TlbiScope.All && anyVmid)
        {
            FlushTlb();
            return;
        }
        ulong addr = scope == TlbiScope.Ipa ? (xt & 0xF_FFFF_FFFFUL) << 12 : (xt & 0xFFF_FFFF_FFFFUL) << 12;
        ushort asid = (ushort)((xt >> 48) & ((_regs.TcrEl1 & (1UL << 36)) != 0 ? 0xFFFFUL : 0xFFUL));
        _tlb.Invalidate(scope, addr, asid, vmid, anyVmid);     // TLB-4
        _cpu.InvalidateFetch();
    }
}
