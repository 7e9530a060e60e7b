namespace Arm64Vm.Host.Kvm;

/// <summary>Stage-2 permissions of a leaf (KVM_PGTABLE_PROT_*).</summary>
[Flags]
public enum Stage2Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>A valid stage-2 leaf as the host reads it back.</summary>
public readonly record struct Stage2Leaf(ulong Ipa, ulong Pa, Stage2Permissions Permissions, int MemAttr, bool AccessFlag)
{
    /// <summary>stage2_pte_cacheable: Normal write-back (MemAttr 0xF, or 0x6 forced write-back under FWB).</summary>
    public bool Cacheable(bool fwb) => fwb ? MemAttr == Stage2PageTable.MemAttrFwbWriteBack : MemAttr == Stage2PageTable.MemAttrNormalWriteBack;
}

/// <summary>
/// The host's stage-2 page tables (VMSAv8-64 stage 2, 4 KiB granule, Arm ARM D8.3): built in host memory outside
/// every memslot and written with plain host stores through the host's cache (<see cref="HostMemory"/>); the emulated
/// MMU walks them with VTCR_EL2's walk attributes (inner shareable, write-back). Tables come from a fixed pool of host
/// pages. The start level is chosen as KVM does (kvm_stage2_levels): the fewest levels whose start-level table, with up to
/// 16 concatenated pages, covers the IPA size. Page mappings only (block mappings are optional in specs/kvm-host.md).
/// </summary>
public sealed class Stage2PageTable
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;
    /// <summary>Stage-2 MemAttr encodings (Arm ARM D8.5.5): Normal WB inner and outer.</summary>
    public const int MemAttrNormalWriteBack = 0xF;
    /// <summary>FEAT_S2FWB MemAttr 0b0110: forced Normal write-back.</summary>
    public const int MemAttrFwbWriteBack = 0x6;
    /// <summary>Device-nGnRE (MemAttr 0b0001).</summary>
    public const int MemAttrDeviceNGnRE = 0x1;

    private const ulong Valid = 1, TableOrPage = 2;
    private const ulong S2apRead = 1UL << 6, S2apWrite = 1UL << 7;
    private const ulong ShInner = 3UL << 8;
    private const ulong Af = 1UL << 10;
    private const ulong Xn = 1UL << 54;
    private const ulong OaMask = 0x0000_FFFF_FFFF_F000UL;

    private readonly HostMemory _host;
    private readonly ulong _poolBase, _poolEnd;
    private ulong _poolNext;

    public Stage2PageTable(HostMemory host, ulong poolBase, ulong poolSize, int ipaBits)
    {
        if (ipaBits < 32 || ipaBits > 48) throw new ArgumentOutOfRangeException(nameof(ipaBits), "IPA size must be 32..48 bits");
        _host = host;
        IpaBits = ipaBits;
        // Levels: 4K granule resolves 9 bits per level above the 12-bit offset; a start-level table may be up to
        // 16 pages concatenated (4 more bits), so 40 bits need 3 levels starting at level 1 with 2 pages.
        int levels = 1;
        while (PageShift + 9 * levels + 4 < ipaBits) levels++;
        StartLevel = 4 - levels;
        int rootBits = ipaBits - (PageShift + 9 * (3 - StartLevel));
        RootPages = rootBits > 9 ? 1 << (rootBits - 9) : 1;
        ulong rootSize = (ulong)RootPages * PageSize;
        _poolBase = (poolBase + rootSize - 1) & ~(rootSize - 1);
        _poolEnd = poolBase + poolSize;
        _poolNext = _poolBase;
        Root = AllocateTable(RootPages);
    }

    public int IpaBits { get; }
    public int StartLevel { get; }
    public int RootPages { get; }
    public ulong Root { get; }
    public ulong TablePagesUsed => (_poolNext - _poolBase) / PageSize;

    /// <summary>VTCR_EL2 for these tables: T0SZ, SL0, walks Normal WB RA/WA inner shareable, 4 KiB granule, PS.</summary>
    public ulong Vtcr(int paBits)
    {
        ulong t0sz = (ulong)(64 - IpaBits);
        ulong sl0 = (ulong)(2 - StartLevel);                  // 4K: SL0 0 → level 2, 1 → level 1, 2 → level 0
        ulong ps = paBits switch { <= 32 => 0, <= 36 => 1, <= 40 => 2, <= 42 => 3, <= 44 => 4, _ => 5 };
        return t0sz | (sl0 << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14) | (ps << 16) | (1UL << 31);
    }

    /// <summary>Installs (or replaces) the leaf for one page. The caller performs any maintenance before this.</summary>
    public void MapPage(ulong ipa, ulong pa, Stage2Permissions perms, int memAttr)
    {
        ulong slot = LeafSlot(ipa, create: true);
        _host.Write64(slot, EncodeLeaf(pa, perms, memAttr, accessFlag: true));
    }

    /// <summary>Reads the leaf for a page, or null when it is not valid.</summary>
    public Stage2Leaf? Lookup(ulong ipa)
    {
        ulong slot = LeafSlot(ipa, create: false);
        if (slot == 0) return null;
        ulong d = _host.Read64(slot);
        return (d & Valid) == 0 ? null : Decode(ipa & ~(PageSize - 1), d);
    }

    /// <summary>Rewrites the permissions (and AF) of an existing leaf; false when there is none.</summary>
    public bool SetPermissions(ulong ipa, Stage2Permissions perms, bool accessFlag = true)
    {
        ulong slot = LeafSlot(ipa, create: false);
        if (slot == 0) return false;
        ulong d = _host.Read64(slot);
        if ((d & Valid) == 0) return false;
        var leaf = Decode(ipa, d);
        _host.Write64(slot, EncodeLeaf(leaf.Pa, perms, leaf.MemAttr, accessFlag));
        return true;
    }

    /// <summary>Clears a leaf; returns what it held.</summary>
    public Stage2Leaf? UnmapPage(ulong ipa)
    {
        ulong slot = LeafSlot(ipa, create: false);
        if (slot == 0) return null;
        ulong d = _host.Read64(slot);
        if ((d & Valid) == 0) return null;
        _host.Write64(slot, 0);
        return Decode(ipa & ~(PageSize - 1), d);
    }

    /// <summary>Every valid leaf in [ipa, ipa + size), in address order (a kvm_pgtable_walk over the tables).</summary>
    public List<Stage2Leaf> Leaves(ulong ipa, ulong size)
    {
        var result = new List<Stage2Leaf>();
        Walk(Root, StartLevel, 0, RootPages * 512, ipa, ipa + size, result);
        return result;
    }

    private void Walk(ulong table, int level, ulong baseIpa, int entries, ulong start, ulong end, List<Stage2Leaf> result)
    {
        int shift = PageShift + 9 * (3 - level);
        for (int i = 0; i < entries; i++)
        {
            ulong lo = baseIpa + ((ulong)i << shift);
            ulong hi = lo + (1UL << shift);
            if (hi <= start || lo >= end) continue;
            ulong d = _host.Read64(table + (ulong)i * 8);
            if ((d & Valid) == 0) continue;
            if (level == 3) result.Add(Decode(lo, d));
            else if ((d & TableOrPage) != 0) Walk(d & OaMask, level + 1, lo, 512, start, end, result);
        }
    }

    private ulong LeafSlot(ulong ipa, bool create)
    {
        if ((ipa >> IpaBits) != 0) throw new ArgumentOutOfRangeException(nameof(ipa), $"IPA 0x{ipa:X} beyond {IpaBits} bits");
        ulong table = Root;
        for (int level = StartLevel; ; level++)
        {
            int shift = PageShift + 9 * (3 - level);
            ulong mask = level == StartLevel ? (ulong)RootPages * 512 - 1 : 511;
            ulong slot = table + ((ipa >> shift) & mask) * 8;
            if (level == 3) return slot;
            ulong d = _host.Read64(slot);
            if ((d & Valid) == 0)
            {
                if (!create) return 0;
                ulong next = AllocateTable(1);
                _host.Write64(slot, next | Valid | TableOrPage);
                table = next;
            }
            else table = d & OaMask;
        }
    }

    private ulong AllocateTable(int pages)
    {
        ulong size = (ulong)pages * PageSize;
        if (_poolNext + size > _poolEnd)
            throw new InvalidOperationException("the host's stage-2 table pool is exhausted");
        ulong t = _poolNext;
        _poolNext += size;
        _host.Fill(t, size, 0);
        return t;
    }

    private static ulong EncodeLeaf(ulong pa, Stage2Permissions perms, int memAttr, bool accessFlag)
    {
        ulong d = (pa & OaMask) | Valid | TableOrPage | ((ulong)(memAttr & 0xF) << 2) | ShInner;
        if ((perms & Stage2Permissions.Read) != 0) d |= S2apRead;
        if ((perms & Stage2Permissions.Write) != 0) d |= S2apWrite;
        if ((perms & Stage2Permissions.Execute) == 0) d |= Xn;
        if (accessFlag) d |= Af;
        return d;
    }

    private static Stage2Leaf Decode(ulong ipa, ulong d)
    {
        var p = Stage2Permissions.None;
        if ((d & S2apRead) != 0) p |= Stage2Permissions.Read;
        if ((d & S2apWrite) != 0) p |= Stage2Permissions.Write;
        if ((d & Xn) == 0) p |= Stage2Permissions.Execute;
        return new Stage2Leaf(ipa, d & OaMask, p, (int)((d >> 2) & 0xF), (d & Af) != 0);
    }
}
