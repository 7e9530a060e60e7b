using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// Stage-1 translation table walk for the EL1&amp;0 regime, VMSAv8-64 long descriptors (Arm ARM D8.2-D8.4, ASL
/// AArch64.S1Walk / AArch64.S1Translate): TTBR0/TTBR1 by VA bit 55, T0SZ/T1SZ 16..39, 4K/16K/64K granules, start
/// level from the granule and TnSZ, EPD0/1, TBI0/1, IPS address-size checks, hierarchical APTable/UXNTable/PXNTable,
/// AP[2:1], UXN/PXN, SCTLR_EL1.WXN, AF (no hardware update: ID_AA64MMFR1_EL1.HAFDBS = 0), nG. The contiguous hint is
/// ignored (allowed: it is only a hint). Descriptor fetches go through the memory system as
/// <see cref="AccessKind.Walk"/> with TCR_EL1's walk attributes, translated by stage 2 when it is enabled.
/// </summary>
public sealed partial class CpuCore
{
    private const ulong OaMask = 0x0000_FFFF_FFFF_FFFFUL;   // descriptor output address bits [47:0]

    private bool WalkStage1(ulong va, AccessKind kind, AccessOptions options, ref TranslationResult r,
        out MemoryAttributes data, out MemoryAttributes fetch)
    {
        data = fetch = default;
        ulong tcr = SysRegs.TcrEl1;
        bool upper = ((va >> 55) & 1) != 0;
        int tsz = (int)((tcr >> (upper ? 16 : 0)) & 0x3F);
        bool epd = ((tcr >> (upper ? 23 : 7)) & 1) != 0;
        int tg = (int)((tcr >> (upper ? 30 : 14)) & 3);
        int pageShift = upper
            ? tg switch { 1 => 14, 3 => 16, _ => 12 }     // TG1: 01 16K, 10 4K, 11 64K
            : tg switch { 1 => 16, 2 => 14, _ => 12 };    // TG0: 00 4K, 01 64K, 10 16K
        pageShift = ImplementedGranule(pageShift);
        r.Region = (byte)(upper ? 1 : 0);

        // TnSZ outside 16..39: a level-0 Translation fault (the CONSTRAINED UNPREDICTABLE choice QEMU makes).
        if (tsz < 16 || tsz > 39) return Stage1Fault(va, kind, FaultStatus.Translation(0), options);
        int inputSize = 64 - tsz;
        // VA bits [top:inputSize] must all equal bit 55 (top = 55 with TBI, else 63): else a level-0 Translation fault.
        int top = ((tcr >> (upper ? 38 : 37)) & 1) != 0 ? 55 : 63;
        ulong field = (va << (63 - top)) >> (63 - top + inputSize);
        ulong ones = (1UL << (top - inputSize + 1)) - 1;
        if (field != (upper ? ones : 0)) return Stage1Fault(va, kind, FaultStatus.Translation(0), options);
        if (epd) return Stage1Fault(va, kind, FaultStatus.Translation(0), options);

        int stride = pageShift - 3;
        int level = 4 - (inputSize - 4) / stride;         // 4 - ceil((inputSize - pageShift) / stride)
        int indexBits = inputSize - (pageShift + stride * (3 - level));
        int oaBits = Math.Min(IpsBits((int)((tcr >> 32) & 7)), Features.PaBits);

        ulong ttbr = upper ? SysRegs.Ttbr1El1 : SysRegs.Ttbr0El1;
        ulong table = ttbr & OaMask;
        if ((table >> oaBits) != 0) return Stage1Fault(va, kind, FaultStatus.AddressSize(0), options);
        table &= ~((8UL << indexBits) - 1);              // BADDR bits below the table size are RES0 (CnP is bit 0)

        bool c = (SysRegs.SctlrEl1 & (1UL << 2)) != 0;
        int sh = (int)((tcr >> (upper ? 28 : 12)) & 3);
        var walkAttrs = AttributeCombiner.WalkAttributes((int)((tcr >> (upper ? 24 : 8)) & 3),
            (int)((tcr >> (upper ? 26 : 10)) & 3), sh, nonCacheable: !c);     // MA-WALK-1

        ulong tableAttrs = 0;                              // accumulated bits [63:59] of table descriptors
        while (true)
        {
            int shift = pageShift + stride * (3 - level);
            ulong index = (va >> shift) & ((1UL << indexBits) - 1);
            if (!ReadStage1Descriptor(va, table + index * 8, level, kind, options, walkAttrs, out ulong desc)) return false;
            if ((desc & 1) == 0 || (level == 3 && (desc & 2) == 0))
                return Stage1Fault(va, kind, FaultStatus.Translation(level), options);
            ulong addr = desc & OaMask & ~((1UL << pageShift) - 1);
            if ((addr >> oaBits) != 0) return Stage1Fault(va, kind, FaultStatus.AddressSize(level), options);
            if ((desc & 2) != 0 && level < 3)
            {
                tableAttrs |= desc >> 59;
                table = addr;
                level++;
                indexBits = stride;
                continue;
            }
            if (level < 3 && !BlockAllowed(pageShift, level))
                return Stage1Fault(va, kind, FaultStatus.Translation(level), options);
            if ((desc & (1UL << 10)) == 0) return Stage1Fault(va, kind, FaultStatus.AccessFlag(level), options);

            ulong blockMask = (1UL << shift) - 1;
            r.Pa = (addr & ~blockMask) | (va & blockMask);
            r.BlockShift = (byte)shift;
            r.Level = (byte)level;
            r.Global = (desc & (1UL << 11)) == 0;
            r.Asid = CurrentAsid;
            r.Stage1Perm = Stage1Permissions(desc, tableAttrs);
            byte mair = (byte)(SysRegs.MairEl1 >> (8 * (int)((desc >> 2) & 7)));
            var decoded = AttributeCombiner.DecodeMair(mair, (int)((desc >> 8) & 3));
            data = AttributeCombiner.Stage1Output(decoded, fetch: false, cacheEnabled: c);                       // MA-S1-1
            fetch = AttributeCombiner.Stage1Output(decoded, fetch: true, cacheEnabled: (SysRegs.SctlrEl1 & (1UL << 12)) != 0); // MA-S1-2
            return true;
        }
    }

    /// <summary>
    /// Stage-1 permissions (Arm ARM D8.4, ASL AArch64.S1HasPermissionsFault without PAN): AP[2:1] with APTable,
    /// UXN/PXN with UXNTable/PXNTable, WXN, and "writable at EL0 is never executable at EL1".
    /// </summary>
    private ushort Stage1Permissions(ulong desc, ulong tableAttrs)
    {
        int ap = (int)((desc >> 6) & 3);
        if ((tableAttrs & 0b00100) != 0) ap &= ~1;         // APTable[0] (bit 61): no EL0 access below
        if ((tableAttrs & 0b01000) != 0) ap |= 2;          // APTable[1] (bit 62): read-only below
        bool uxn = ((desc >> 54) & 1) != 0 || (tableAttrs & 0b00010) != 0;   // UXNTable is bit 60
        bool pxn = ((desc >> 53) & 1) != 0 || (tableAttrs & 0b00001) != 0;   // PXNTable is bit 59
        bool wxn = (SysRegs.SctlrEl1 & (1UL << 19)) != 0;
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
    private bool ReadStage1Descriptor(ulong va, ulong descIpa, int level, AccessKind kind, AccessOptions options,
        MemoryAttributes walkAttrs, out ulong desc)
    {
        desc = 0;
        ulong pa = descIpa;
        MemoryAttributes attrs = walkAttrs;
        if (Stage2Enabled)
        {
            if (!WalkStage2(va, descIpa, kind, options, s1ptw: true, out Stage2Result s2)) return false;
            ulong hcr = _hcrEl2;
            attrs = AttributeCombiner.Finish(AttributeCombiner.WithStage2(walkAttrs, s2.MemAttr, s2.Sh,
                (hcr & Hcr.FWB) != 0, false, (hcr & Hcr.CD) != 0, (hcr & Hcr.ID) != 0));                     // MA-WALK-3
            if ((s2.Perm & TlbEntry.ReadEl1) == 0 || ((hcr & Hcr.PTW) != 0 && attrs.IsDevice))
                return Stage2Fault(va, descIpa, kind, FaultStatus.Permission(s2.Level), options, s1ptw: true);
            pa = s2.Pa;
        }
        if (!Memory.TryRead(Index, pa, 8, AccessKind.Walk, attrs, out desc))
            return Stage1Fault(va, kind, FaultStatus.SynchronousExternalOnWalk(level), options);
        return true;
    }

    /// <summary>Block descriptors allowed without FEAT_LPA2: 4K at levels 1 and 2, 16K and 64K at level 2.</summary>
    private static bool BlockAllowed(int pageShift, int level) => pageShift == 12 ? level is 1 or 2 : level == 2;

    /// <summary>TCR_EL1.IPS / VTCR_EL2.PS encodings (52 bits needs FEAT_LPA, not implemented: treated as 48).</summary>
    internal static int IpsBits(int ips) => ips switch { 0 => 32, 1 => 36, 2 => 40, 3 => 42, 4 => 44, _ => 48 };

    /// <summary>A granule the PE implements: the requested one, else the first implemented of 4K, 64K, 16K (reserved/unimplemented TGx).</summary>
    private int ImplementedGranule(int pageShift)
    {
        var f = Features;
        bool ok = pageShift switch { 12 => f.Granule4K, 14 => f.Granule16K, _ => f.Granule64K };
        if (ok) return pageShift;
        return f.Granule4K ? 12 : f.Granule64K ? 16 : 14;
    }
}
