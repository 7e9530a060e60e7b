namespace Arm64Vm.Cpu;

/// <summary>What a TLB invalidation selects (Arm ARM D8.16, "TLB maintenance instructions").</summary>
public enum TlbiScope : byte
{
    /// <summary>VMALLE1, VMALLS12E1, ALLE1: every entry (the TLB only holds entries of the current VMID).</summary>
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
/// translations of the current VMID (a VMID change flushes the TLB), so an invalidation by VA matches at the
/// stage-1 mapping size and one by IPA at the stage-2 mapping size: a TLBI by address inside a block removes
/// every piece of the block. Inner Shareable forms reach every PE of the system running the same VMID; EL1 forms
/// are upgraded to Inner Shareable by HCR_EL2.FB. Completion is immediate (the interpreter has no outstanding
/// walks), so after TLBI + DSB a removed translation is never used again; the fetch path's cached page is
/// dropped as well.
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>An EL1 TLBI instruction (the SYS rows of SystemRegisterTable.Tlb.cs).</summary>
    internal void ExecuteTlbi(TlbiScope scope, ulong xt, bool innerShareable)
    {
        bool broadcast = innerShareable || (_hcrEl2 & Hcr.FB) != 0;
        Invalidate(scope, xt, broadcast, anyVmid: false);
    }

    /// <summary>TLBI IPAS2E1(IS) / IPAS2LE1(IS) for the host: stage-2 entries covering <paramref name="ipa"/> for the current VMID.</summary>
    public void TlbiIpas2e1(ulong ipa, bool innerShareable) =>
        Invalidate(TlbiScope.Ipa, (ipa >> 12) & 0xF_FFFF_FFFFUL, innerShareable, anyVmid: false);

    /// <summary>TLBI VMALLS12E1(IS) for the host: all stage-1 and stage-2 entries of the current VMID.</summary>
    public void TlbiVmalls12e1(bool innerShareable) => Invalidate(TlbiScope.All, 0, innerShareable, anyVmid: false);

    /// <summary>TLBI ALLE1(IS) for the host: every EL1&amp;0 entry of every VMID.</summary>
    public void TlbiAlle1(bool innerShareable) => Invalidate(TlbiScope.All, 0, innerShareable, anyVmid: true);

    private void Invalidate(TlbiScope scope, ulong xt, bool broadcast, bool anyVmid)
    {
        if (!broadcast)
        {
            InvalidateLocal(scope, xt);
            return;
        }
        ushort vmid = CurrentVmid;
        var cpus = System.Cpus;
        for (int i = 0; i < cpus.Count; i++)
            if (anyVmid || cpus[i].CurrentVmid == vmid) cpus[i].InvalidateLocal(scope, xt);
    }

    /// <summary>Applies one invalidation to this PE's TLB.</summary>
    internal void InvalidateLocal(TlbiScope scope, ulong xt)
    {
        if (scope == TlbiScope.All)
        {
            FlushTlb();
            return;
        }
        const ulong Va56 = 0x00FF_FFFF_FFFF_FFFFUL;
        ulong addr = scope == TlbiScope.Ipa ? (xt & 0xF_FFFF_FFFFUL) << 12 : (xt & 0xFFF_FFFF_FFFFUL) << 12;
        ushort asid = (ushort)((xt >> 48) & ((SysRegs.TcrEl1 & (1UL << 36)) != 0 ? 0xFFFFUL : 0xFFUL));
        var tlb = _tlb;
        for (int i = 0; i < tlb.Length; i++)
        {
            ref TlbEntry e = ref tlb[i];
            if (e.VaPage == TlbEntry.InvalidTag) continue;
            bool hit = scope switch
            {
                TlbiScope.Asid => !e.Global && e.Asid == asid,
                TlbiScope.Va => (e.Global || e.Asid == asid) && (((e.VaPage & Va56) ^ addr) >> e.BlockShift) == 0,
                TlbiScope.VaAllAsids => (((e.VaPage & Va56) ^ addr) >> e.BlockShift) == 0,
                _ => e.S2BlockShift < 63 && ((e.IpaPage ^ addr) >> e.S2BlockShift) == 0,
            };
            if (hit) e.VaPage = TlbEntry.InvalidTag;
        }
        InvalidateFetch();
    }
}
