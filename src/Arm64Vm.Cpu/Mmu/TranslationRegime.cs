namespace Arm64Vm.Cpu;

/// <summary>
/// The registers a translation of the EL1&amp;0 regime reads (Arm ARM D8.2): SCTLR_EL1, TCR_EL1, MAIR_EL1, TTBR0/1_EL1
/// and the current ASID for stage 1; HCR_EL2, VTCR_EL2 and VTTBR_EL2 for stage 2. The MMU (<see cref="Mmu"/>) takes a copy for each
/// walk, so the walkers (<see cref="Stage1Walker"/>, <see cref="Stage2Walker"/>) see nothing else of it.
/// </summary>
internal readonly record struct TranslationRegime(ulong SctlrEl1, ulong TcrEl1, ulong MairEl1, ulong Ttbr0El1,
    ulong Ttbr1El1, ushort Asid, ulong HcrEl2, ulong VtcrEl2, ulong VttbrEl2)
{
    /// <summary>Stage 2 translates the IPA (HCR_EL2.VM or DC).</summary>
    public bool Stage2Enabled => (HcrEl2 & (Hcr.VM | Hcr.DC)) != 0;

    /// <summary>The descriptor output address bits [47:0].</summary>
    public const ulong OaMask = 0x0000_FFFF_FFFF_FFFFUL;

    /// <summary>TCR_EL1.IPS / VTCR_EL2.PS encodings (52 bits needs FEAT_LPA, not implemented: treated as 48).</summary>
    public static int IpsBits(int ips) => ips switch { 0 => 32, 1 => 36, 2 => 40, 3 => 42, 4 => 44, _ => 48 };

    /// <summary>Block descriptors allowed without FEAT_LPA2: 4K at levels 1 and 2, 16K and 64K at level 2.</summary>
    public static bool BlockAllowed(int pageShift, int level) => pageShift == 12 ? level is 1 or 2 : level == 2;

    /// <summary>A granule the PE implements: the requested one, else the first implemented of 4K, 64K, 16K (reserved/unimplemented TGx).</summary>
    public static int ImplementedGranule(CpuFeatures f, int pageShift)
    {
        bool ok = pageShift switch { 12 => f.Granule4K, 14 => f.Granule16K, _ => f.Granule64K };
        if (ok) return pageShift;
        return f.Granule4K ? 12 : f.Granule64K ? 16 : 14;
    }
}
