using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// Stage-1 translation table walk for the EL1&amp;0 regime, VMSAv8-64 long descriptors (Arm ARM D8.2-D8.4, ASL
/// AArch64.S1Walk / AArch64.S1Translate): TTBR0/TTBR1 by VA bit 55, T0SZ/T1SZ 16..39, 4K/16K/64K granules, start
/// level from the granule and TnSZ, EPD0/1, TBI0/1, IPS address-size checks, hierarchical APTable/UXNTable/PXNTable,
/// AP[2:1], UXN/PXN, SCTLR_EL1.WXN, AF (no hardware update: ID_AA64MMFR1_EL1.HAFDBS = 0), nG. The contiguous hint is
/// ignored (allowed: it is only a hint). Descriptor fetches go through the memory system as
/// <see cref="AccessKind.Walk"/> with TCR_EL1's walk attributes, translated by stage 2 when it is enabled.
/// It reads only the registers of the <see cref="TranslationRegime"/> it is given; faults are returned, not taken.
/// </summary>
internal sealed class Stage1Walker
{
    private const ulong OaMask = TranslationRegime.OaMask;   // descriptor output address bits [47:0]
    private readonly IMemorySystem _memory;
    private readonly int _agent;
    private readonly CpuFeatures _features;
    private readonly Stage2Walker _stage2;

    /// <param name="memory">Where the tables are read, as agent <paramref name="agent"/> (the PE's index).</param>
    /// <param name="stage2">Translates the table addresses (IPAs) when stage 2 is enabled.</param>
    public Stage1Walker(IMemorySystem memory, int agent, CpuFeatures features, Stage2Walker stage2)
    {
        _memory = memory;
        _agent = agent;
        _features = features;
        _stage2 = stage2;
    }

    /// <summary>
    /// Walks the stage-1 tables for <paramref name="va"/> under <paramref name="regime"/>, filling the stage-1 fields of
    /// <paramref name="r"/> (output address in Pa) and the stage-1 attributes for data and fetches. On a fault returns
    /// false with <paramref name="fault"/> (a stage-1 fault, or a stage-2 fault on a table read), which the PE takes or
    /// records. Permissions are returned, not checked.
    /// </summary>
    public bool Walk(in TranslationRegime regime, ulong va, ref TranslationResult r,
        out MemoryAttributes data, out MemoryAttributes fetch, out TranslationFault fault)
    {
        data = fetch = default;
        fault = default;
        ulong tcr = regime.TcrEl1;
        bool upper = ((va >> 55) & 1) != 0;
        int tsz = (int)((tcr >> (upper ? 16 : 0)) & 0x3F);
        bool epd = ((tcr >> (upper ? 23 : 7)) & 1) != 0;
        int tg = (int)((tcr >> (upper ? 30 : 14)) & 3);
        int pageShift = upper
            ? tg switch { 1 => 14, 3 => 16, _ => 12 }     // TG1: 01 16K, 10 4K, 11 64K
            : tg switch { 1 => 16, 2 => 14, _ => 12 };    // TG0: 00 4K, 01 64K, 10 16K
        pageShift = TranslationRegime.ImplementedGranule(_features, pageShift);
        r.Region = (byte)(upper ? 1 : 0);

        // TnSZ outside 16..39: a level-0 Translation fault (the CONSTRAINED UNPREDICTABLE choice QEMU makes).
        if (tsz < 16 || tsz > 39) return Fault(out fault, FaultStatus.Translation(0));
        int inputSize = 64 - tsz;
        // VA bits [top:inputSize] must all equal bit 55 (top = 55 with TBI, else 63): else a level-0 Translation fault.
        int top = ((tcr >> (upper ? 38 : 37)) & 1) != 0 ? 55 : 63;
        ulong field = (va << (63 - top)) >> (63 - top + inputSize);
        ulong ones = (1UL << (top - inputSize + 1)) - 1;
        if (field != (upper ? ones : 0)) return Fault(out fault, FaultStatus.Translation(0));
        if (epd) return Fault(out fault, FaultStatus.Translation(0));

        int stride = pageShift - 3;
        int level = 4 - (inputSize - 4) / stride;         // 4 - ceil((inputSize - pageShift) / stride)
        int indexBits = inputSize - (pageShift + stride * (3 - level));
        int oaBits = Math.Min(TranslationRegime.IpsBits((int)((tcr >> 32) & 7)), _features.PaBits);

        ulong ttbr = upper ? regime.Ttbr1El1 : regime.Ttbr0El1;
        ulong table = ttbr & OaMask;
        if ((table >> oaBits) != 0) return Fault(out fault, FaultStatus.AddressSize(0));
        table &= ~((8UL << indexBits) - 1);              // BADDR bits below the table size are RES0 (CnP is bit 0)

        bool c = (regime.SctlrEl1 & (1UL << 2)) != 0;
        int sh = (int)((tcr >> (upper ? 28 : 12)) & 3);
        var walkAttrs = AttributeCombiner.WalkAttributes((int)((tcr >> (upper ? 24 : 8)) & 3),
            (int)((tcr >> (upper ? 26 : 10)) & 3), sh, nonCacheable: !c);     // MA-WALK-1

        ulong tableAttrs = 0;                              // accumulated bits [63:59] of table descriptors
        while (true)
        {
            int shift = pageShift + stride * (3 - level);
            ulong index = (va >> shift) & ((1UL << indexBits) - 1);
            if (!ReadDescriptor(in regime, table + index * 8, level, walkAttrs, out ulong desc, out fault)) return false;
            if ((desc & 1) == 0 || (level == 3 && (desc & 2) == 0))
                return Fault(out fault, FaultStatus.Translation(level));
            ulong addr = desc & OaMask & ~((1UL << pageShift) - 1);
            if ((addr >> oaBits) != 0) return Fault(out fault, FaultStatus.AddressSize(level));
            if ((desc & 2) != 0 && level < 3)
            {
                tableAttrs |= desc >> 59;
                table = addr;
                level++;
                indexBits = stride;
                continue;
            }
            if (level < 3 && !TranslationRegime.BlockAllowed(pageShift, level))
                return Fault(out fault, FaultStatus.Translation(level));
            if ((desc & (1UL << 10)) == 0) return Fault(out fault, FaultStatus.AccessFlag(level));

            ulong blockMask = (1UL << shift) - 1;
            r.Pa = (addr & ~blockMask) | (va & blockMask);
            r.BlockShift = (byte)shift;
            r.Level = (byte)level;
            r.Global = (desc & (1UL << 11)) == 0;
            r.Asid = regime.Asid;
            r.Stage1Perm = Permissions(desc, tableAttrs, wxn: (regime.SctlrEl1 & (1UL << 19)) != 0);
            byte mair = (byte)(regime.MairEl1 >> (8 * (int)((desc >> 2) & 7)));
            var decoded = AttributeCombiner.DecodeMair(mair, (int)((desc >> 8) & 3));
            data = AttributeCombiner.Stage1Output(decoded, fetch: false, cacheEnabled: c);                       // MA-S1-1
            fetch = AttributeCombiner.Stage1Output(decoded, fetch: true, cacheEnabled: (regime.SctlrEl1 & (1UL << 12)) != 0); // MA-S1-2
            return true;
        }
    }

    /// <summary>
    /// Stage-1 permissions (Arm ARM D8.4, ASL AArch64.S1HasPermissionsFault without PAN): AP[2:1] with APTable,
    /// UXN/PXN with UXNTable/PXNTable, WXN, and "writable at EL0 is never executable at EL1".
    /// </summary>
    private static ushort Permissions(ulong desc, ulong tableAttrs, bool wxn)
    {
        int ap = (int)((desc >> 6) & 3);
        if ((tableAttrs & 0b00100) != 0) ap &= ~1;         // APTable[0] (bit 61): no EL0 access below
        if ((tableAttrs & 0b01000) != 0) ap |= 2;          // APTable[1] (bit 62): read-only below
        bool uxn = ((desc >> 54) & 1) != 0 || (tableAttrs & 0b00010) != 0;   // UXNTable is bit 60
        bool pxn = ((desc >> 53) & 1) != 0 || (tableAttrs & 0b00001) != 0;   // PXNTable is bit 59
        bool privW = (ap & 2) == 0, userR = (ap & 1) != 0, userW = ap == 1;
        int p = TlbEntry.ReadEl1;
        if (privW) p |= TlbEntry.WriteEl1;
        if (!(pxn || (privW && wxn) || userW)) p |= TlbEntry.ExecEl1;
        if (userR) p |= TlbEntry.ReadEl0;
        if (userW) p |= TlbEntry.WriteEl0;
        if (!(uxn || (userW && wxn))) p |= TlbEntry.ExecEl0;
        return (ushort)p;
    }

    /// <summary>Reads one stage-1 descriptor: the table address is an IPA, translated by stage 2 when enabled (S1PTW).</summary>
    private bool ReadDescriptor(in TranslationRegime regime, ulong descIpa, int level, MemoryAttributes walkAttrs,
        out ulong desc, out TranslationFault fault)
    {
        desc = 0;
        fault = default;
        ulong pa = descIpa;
        MemoryAttributes attrs = walkAttrs;
        if (regime.Stage2Enabled)
        {
            if (!_stage2.Walk(in regime, descIpa, s1ptw: true, out Stage2Result s2, out fault)) return false;
            ulong hcr = regime.HcrEl2;
            attrs = AttributeCombiner.Finish(AttributeCombiner.WithStage2(walkAttrs, s2.MemAttr, s2.Sh,
                (hcr & Hcr.FWB) != 0, false, (hcr & Hcr.CD) != 0, (hcr & Hcr.ID) != 0));                     // MA-WALK-3
            if ((s2.Perm & TlbEntry.ReadEl1) == 0 || ((hcr & Hcr.PTW) != 0 && attrs.IsDevice))
                return Stage2Walker.Fault(out fault, FaultStatus.Permission(s2.Level), descIpa, s1ptw: true);
            pa = s2.Pa;
        }
        if (!_memory.TryRead(_agent, pa, 8, AccessKind.Walk, attrs, out desc))
            return Fault(out fault, FaultStatus.SynchronousExternalOnWalk(level));
        return true;
    }

    /// <summary>A stage-1 fault of status <paramref name="fsc"/>; false so callers can return it.</summary>
    private static bool Fault(out TranslationFault fault, uint fsc)
    {
        fault = new TranslationFault { Fsc = fsc };
        return false;
    }
}
