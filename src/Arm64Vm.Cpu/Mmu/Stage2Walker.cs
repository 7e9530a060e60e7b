using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>The outcome of a stage-2 walk.</summary>
internal struct Stage2Result
{
    public ulong Pa;
    /// <summary>Descriptor MemAttr[3:0] and SH[1:0], combined with stage 1 by <see cref="AttributeCombiner"/>.</summary>
    public int MemAttr;
    public int Sh;
    /// <summary>S2AP and XN as TlbEntry permission bits (the same for EL0 and EL1).</summary>
    public ushort Perm;
    public byte BlockShift;
    public byte Level;
}

/// <summary>
/// Stage-2 translation for the EL1&amp;0 regime (Arm ARM D8.2, ASL AArch64.S2Walk), programmed by the host through
/// <see cref="CpuCore.VtcrEl2"/> (T0SZ, SL0, IRGN0, ORGN0, SH0, TG0 4K/16K/64K, PS) and <see cref="CpuCore.VttbrEl2"/>
/// (BADDR, VMID): concatenated tables at the start level (up to 16), block and page descriptors with MemAttr, S2AP,
/// SH, AF and XN (bit 54; FEAT_XNX is not implemented). Tables live in guest-physical RAM and are read through the
/// memory system as <see cref="AccessKind.Walk"/> with VTCR_EL2's walk attributes (HCR_EL2.CD → Non-cacheable).
/// It reads only the registers of the <see cref="TranslationRegime"/> it is given; faults are returned, not taken.
/// </summary>
internal sealed class Stage2Walker
{
    private readonly IMemorySystem _memory;
    private readonly int _agent;
    private readonly CpuFeatures _features;

    /// <param name="memory">Where the tables are read, as agent <paramref name="agent"/> (the PE's index).</param>
    public Stage2Walker(IMemorySystem memory, int agent, CpuFeatures features)
    {
        _memory = memory;
        _agent = agent;
        _features = features;
    }

    /// <summary>
    /// Translates an IPA under the stage-2 registers of <paramref name="regime"/>. On a fault returns false with
    /// <paramref name="fault"/> (a stage-2 fault, with <paramref name="s1ptw"/> when the IPA is a stage-1 table's),
    /// which the PE takes or records.
    /// </summary>
    public bool Walk(in TranslationRegime regime, ulong ipa, bool s1ptw, out Stage2Result s2, out TranslationFault fault)
    {
        s2 = default;
        fault = default;
        ulong vtcr = regime.VtcrEl2;
        int t0sz = (int)(vtcr & 0x3F);
        int tg = (int)((vtcr >> 14) & 3);
        int pageShift = TranslationRegime.ImplementedGranule(_features, tg switch { 1 => 16, 2 => 14, _ => 12 });
        int stride = pageShift - 3;
        int sl0 = (int)((vtcr >> 6) & 3);
        int inputSize = 64 - t0sz;
        int level = pageShift == 12 ? 2 - sl0 : 3 - sl0;   // 4K: SL0 00→2, 01→1, 10→0; 16K/64K: 00→3, 01→2, 10→1
        int indexBits = inputSize - (pageShift + stride * (3 - level));
        // Inconsistent VTCR_EL2 (ASL AArch64.S2InvalidSL/S2InconsistentSL, QEMU check_s2_mmu_setup): level-0 Translation fault.
        if (sl0 == 3 || t0sz < 16 || t0sz > 39 || inputSize > _features.PaBits || indexBits < 1 || indexBits > stride + 4)
            return Fault(out fault, FaultStatus.Translation(0), ipa, s1ptw);
        // An IPA beyond the stage-2 input size: level-0 Translation fault.
        if ((ipa >> inputSize) != 0) return Fault(out fault, FaultStatus.Translation(0), ipa, s1ptw);
        int oaBits = Math.Min(TranslationRegime.IpsBits((int)((vtcr >> 16) & 7)), _features.PaBits);

        ulong table = regime.VttbrEl2 & TranslationRegime.OaMask;
        if ((table >> oaBits) != 0) return Fault(out fault, FaultStatus.AddressSize(0), ipa, s1ptw);
        table &= ~((8UL << indexBits) - 1);
        var walkAttrs = AttributeCombiner.WalkAttributes((int)((vtcr >> 8) & 3), (int)((vtcr >> 10) & 3),
            (int)((vtcr >> 12) & 3), nonCacheable: (regime.HcrEl2 & Hcr.CD) != 0);                             // MA-WALK-2
        while (true)
        {
            int shift = pageShift + stride * (3 - level);
            ulong index = (ipa >> shift) & ((1UL << indexBits) - 1);
            if (!_memory.TryRead(_agent, table + index * 8, 8, AccessKind.Walk, walkAttrs, out ulong desc))
                return Fault(out fault, FaultStatus.SynchronousExternalOnWalk(level), ipa, s1ptw);
            if ((desc & 1) == 0 || (level == 3 && (desc & 2) == 0))
                return Fault(out fault, FaultStatus.Translation(level), ipa, s1ptw);
            ulong addr = desc & TranslationRegime.OaMask & ~((1UL << pageShift) - 1);
            if ((addr >> oaBits) != 0) return Fault(out fault, FaultStatus.AddressSize(level), ipa, s1ptw);
            if ((desc & 2) != 0 && level < 3)
            {
                table = addr;
                level++;
                indexBits = stride;
                continue;
            }
            if (level < 3 && !TranslationRegime.BlockAllowed(pageShift, level))
                return Fault(out fault, FaultStatus.Translation(level), ipa, s1ptw);
            if ((desc & (1UL << 10)) == 0)
                return Fault(out fault, FaultStatus.AccessFlag(level), ipa, s1ptw);
            ulong blockMask = (1UL << shift) - 1;
            s2.Pa = (addr & ~blockMask) | (ipa & blockMask);
            s2.MemAttr = (int)((desc >> 2) & 0xF);
            s2.Sh = (int)((desc >> 8) & 3);
            int p = 0;
            if ((desc & (1UL << 6)) != 0) p |= TlbEntry.ReadEl0 | TlbEntry.ReadEl1;      // S2AP[0]: read
            if ((desc & (1UL << 7)) != 0) p |= TlbEntry.WriteEl0 | TlbEntry.WriteEl1;    // S2AP[1]: write
            if ((desc & (1UL << 54)) == 0) p |= TlbEntry.ExecEl0 | TlbEntry.ExecEl1;     // XN
            s2.Perm = (ushort)p;
            s2.BlockShift = (byte)shift;
            s2.Level = (byte)level;
            return true;
        }
    }

    /// <summary>A stage-2 fault of status <paramref name="fsc"/> on <paramref name="ipa"/>; false so callers can return it.</summary>
    internal static bool Fault(out TranslationFault fault, uint fsc, ulong ipa, bool s1ptw)
    {
        fault = new TranslationFault { Fsc = fsc, Stage2 = true, S1ptw = s1ptw, Ipa = ipa };
        return false;
    }
}
