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
/// <remarks><see cref="Size"/> is the granule the leaf maps: 4 KiB for a page, 2 MiB or 1 GiB for a block (H11).</remarks>
public readonly record struct Stage2Leaf(ulong Ipa, ulong Pa, Stage2Permissions Permissions, int MemAttr, bool AccessFlag, ulong Size = Stage2PageTable.PageSize)
{
    /// <summary>stage2_pte_cacheable: Normal write-back (MemAttr 0xF, or 0x6 forced write-back under FWB).</summary>
    public bool Cacheable(bool fwb) => fwb ? MemAttr == Stage2PageTable.MemAttrFwbWriteBack : MemAttr == Stage2PageTable.MemAttrNormalWriteBack;
    public bool IsBlock => Size > Stage2PageTable.PageSize;
}

/// <summary>
/// The host's stage-2 page tables (VMSAv8-64 stage 2, 4 KiB granule, Arm ARM D8.3): built in host memory outside
/// every memslot and written with plain host stores through the host's cache (<see cref="HostMemory"/>); the emulated
/// MMU walks them with VTCR_EL2's walk attributes (inner shareable, write-back). Tables come from a fixed pool of host
/// pages. The start level is chosen as KVM does (kvm_stage2_levels): the fewest levels whose start-level table, with up to
/// 16 concatenated pages, covers the IPA size. Leaves are 4 KiB pages or 2 MiB level-2 blocks (H11); a block replaces
/// the table under it and a block is replaced by an empty table (the split), as kvm_pgtable_stage2_map does. Table
/// pages freed that way are reused.
/// </summary>
public sealed class Stage2PageTable
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;
    /// <summary>The level-2 block size of the 4 KiB granule (PMD_SIZE).</summary>
    public const ulong BlockSize = 1UL << 21;
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
    private readonly Stack<ulong> _freeTables = new();

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
    public ulong TablePagesUsed => (_poolNext - _poolBase) / PageSize - (ulong)_freeTables.Count;

    /// <summary>VTCR_EL2 for these tables: T0SZ, SL0, walks Normal WB RA/WA inner shareable, 4 KiB granule, PS.</summary>
    public ulong Vtcr(int paBits)
    {
        ulong t0sz = (ulong)(64 - IpaBits);
        ulong sl0 = (ulong)(2 - StartLevel);                  // 4K: SL0 0 → level 2, 1 → level 1, 2 → level 0
        ulong ps = paBits switch { <= 32 => 0, <= 36 => 1, <= 40 => 2, <= 42 => 3, <= 44 => 4, _ => 5 };
        return t0sz | (sl0 << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14) | (ps << 16) | (1UL << 31);
    }

    /// <summary>Installs (or replaces) the leaf for one page. The caller performs any maintenance before this.</summary>
    /// <exception cref="InvalidOperationException">a block maps the page: split it first (<see cref="SplitBlock"/>).</exception>
    public void MapPage(ulong ipa, ulong pa, Stage2Permissions perms, int memAttr)
    {
        var (slot, level) = LeafSlot(ipa, create: true, stopAt: 3);
        if (level != 3) throw new InvalidOperationException($"IPA 0x{ipa:X} is mapped by a block: split it before mapping a page");
        _host.Write64(slot, EncodeLeaf(pa, perms, memAttr, accessFlag: true, level));
    }

    /// <summary>
    /// Installs a 2 MiB level-2 block (H11). A table under it is unlinked and its pages freed (stage2_map_walk_table_pre);
    /// returns true when it replaced one, so the caller invalidates the TLBs for the range. The caller performs the
    /// maintenance before this.
    /// </summary>
    public bool MapBlock(ulong ipa, ulong pa, Stage2Permissions perms, int memAttr)
    {
        if (((ipa | pa) & (BlockSize - 1)) != 0) throw new ArgumentException($"block 0x{ipa:X} -> 0x{pa:X} is not 2 MiB aligned");
        var (slot, level) = LeafSlot(ipa, create: true, stopAt: 2);
        if (level != 2) throw new InvalidOperationException($"IPA 0x{ipa:X} is mapped by a larger block");
        ulong old = _host.Read64(slot);
        bool replacedTable = (old & (Valid | TableOrPage)) == (Valid | TableOrPage);
        _host.Write64(slot, EncodeLeaf(pa, perms, memAttr, accessFlag: true, level));
        if (replacedTable) FreeTable(old & OaMask, 3);
        return replacedTable;
    }

    /// <summary>
    /// Replaces the block that maps <paramref name="ipa"/> by an empty table (stage2_map_walk_leaf: the rest of the block
    /// is mapped lazily by later faults). Returns the block removed, or null when no block maps the address. The caller
    /// invalidates the TLBs for the block.
    /// </summary>
    public Stage2Leaf? SplitBlock(ulong ipa)
    {
        var (slot, level) = LeafSlot(ipa, create: false, stopAt: 3);
        if (slot == 0 || level == 3) return null;
        ulong d = _host.Read64(slot);
        if ((d & Valid) == 0 || (d & TableOrPage) != 0) return null;
        var leaf = Decode(ipa, d, level);
        _host.Write64(slot, 0);
        ulong table = AllocateTable(1);
        _host.Write64(slot, table | Valid | TableOrPage);
        return leaf;
    }

    /// <summary>Reads the leaf (page or block) that maps an IPA, or null when there is none.</summary>
    public Stage2Leaf? Lookup(ulong ipa)
    {
        var (slot, level) = LeafSlot(ipa, create: false, stopAt: 3);
        if (slot == 0) return null;
        ulong d = _host.Read64(slot);
        return (d & Valid) == 0 ? null : Decode(ipa, d, level);
    }

    /// <summary>Rewrites the permissions (and AF) of the leaf that maps an IPA (a whole block); false when there is none.</summary>
    public bool SetPermissions(ulong ipa, Stage2Permissions perms, bool accessFlag = true)
    {
        var (slot, level) = LeafSlot(ipa, create: false, stopAt: 3);
        if (slot == 0) return false;
        ulong d = _host.Read64(slot);
        if ((d & Valid) == 0) return false;
        var leaf = Decode(ipa, d, level);
        _host.Write64(slot, EncodeLeaf(leaf.Pa, perms, leaf.MemAttr, accessFlag, level));
        return true;
    }

    /// <summary>Clears the leaf (page or whole block) that maps an IPA; returns what it held.</summary>
    public Stage2Leaf? UnmapPage(ulong ipa)
    {
        var (slot, level) = LeafSlot(ipa, create: false, stopAt: 3);
        if (slot == 0) return null;
        ulong d = _host.Read64(slot);
        if ((d & Valid) == 0) return null;
        _host.Write64(slot, 0);
        return Decode(ipa, d, level);
    }

    /// <summary>Every valid leaf overlapping [ipa, ipa + size), in address order (a kvm_pgtable_walk over the tables).</summary>
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
            if (level == 3 || (d & TableOrPage) == 0) result.Add(Decode(lo, d, level));
            else Walk(d & OaMask, level + 1, lo, 512, start, end, result);
        }
    }

    /// <summary>
    /// The descriptor slot for an IPA at <paramref name="stopAt"/> or at the block above it that maps the IPA, with its
    /// level; slot 0 when a table is missing and <paramref name="create"/> is false.
    /// </summary>
    private (ulong Slot, int Level) LeafSlot(ulong ipa, bool create, int stopAt)
    {
        if ((ipa >> IpaBits) != 0) throw new ArgumentOutOfRangeException(nameof(ipa), $"IPA 0x{ipa:X} beyond {IpaBits} bits");
        ulong table = Root;
        for (int level = StartLevel; ; level++)
        {
            int shift = PageShift + 9 * (3 - level);
            ulong mask = level == StartLevel ? (ulong)RootPages * 512 - 1 : 511;
            ulong slot = table + ((ipa >> shift) & mask) * 8;
            if (level == stopAt) return (slot, level);
            ulong d = _host.Read64(slot);
            if ((d & Valid) == 0)
            {
                if (!create) return (0, level);
                ulong next = AllocateTable(1);
                _host.Write64(slot, next | Valid | TableOrPage);
                table = next;
            }
            else if ((d & TableOrPage) == 0) return (slot, level);      // a block maps it
            else table = d & OaMask;
        }
    }

    private ulong AllocateTable(int pages)
    {
        ulong size = (ulong)pages * PageSize;
        ulong t;
        if (pages == 1 && _freeTables.Count > 0) t = _freeTables.Pop();
        else
        {
            if (_poolNext + size > _poolEnd)
                throw new InvalidOperationException("the host's stage-2 table pool is exhausted");
            t = _poolNext;
            _poolNext += size;
        }
        _host.Fill(t, size, 0);
        return t;
    }

    /// <summary>free_unlinked_table: returns a table page (and every table below it) to the pool.</summary>
    private void FreeTable(ulong table, int level)
    {
        if (level < 3)
            for (ulong i = 0; i < 512; i++)
            {
                ulong d = _host.Read64(table + i * 8);
                if ((d & (Valid | TableOrPage)) == (Valid | TableOrPage)) FreeTable(d & OaMask, level + 1);
            }
        _freeTables.Push(table);
    }

    private static ulong EncodeLeaf(ulong pa, Stage2Permissions perms, int memAttr, bool accessFlag, int level)
    {
        // A page descriptor has bit 1 set; a block descriptor (level 1 or 2) has it clear (Arm ARM (DDI 0487K.a), VMSAv8-64 descriptor formats).
        ulong d = (pa & OaMask) | Valid | (level == 3 ? TableOrPage : 0) | ((ulong)(memAttr & 0xF) << 2) | ShInner;
        if ((perms & Stage2Permissions.Read) != 0) d |= S2apRead;
        if ((perms & Stage2Permissions.Write) != 0) d |= S2apWrite;
        if ((perms & Stage2Permissions.Execute) == 0) d |= Xn;
        if (accessFlag) d |= Af;
        return d;
    }

    private static Stage2Leaf Decode(ulong ipa, ulong d, int level)
    {
        ulong size = 1UL << (PageShift + 9 * (3 - level));
        var p = Stage2Permissions.None;
        if ((d & S2apRead) != 0) p |= Stage2Permissions.Read;
        if ((d & S2apWrite) != 0) p |= Stage2Permissions.Write;
        if ((d & Xn) == 0) p |= Stage2Permissions.Execute;
        return new Stage2Leaf(ipa & ~(size - 1), d & OaMask & ~(size - 1), p, (int)((d >> 2) & 0xF), (d & Af) != 0, size);
    }
}
