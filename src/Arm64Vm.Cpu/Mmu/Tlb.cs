using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// The per-PE software TLB (one per PE, owned by its <see cref="Mmu"/>; the PE holds it too for its inline paths): <see cref="Sets"/> sets of
/// <see cref="Ways"/> entries of combined stage-1 + stage-2 translations in 4 KiB pieces (TLB-1..TLB-6,
/// specs/tlb.md). Way 0 of a set holds its most recently used entry, the only one the inline fast path
/// (<see cref="TlbProbes"/>) probes; way 1 the least recently used one. Entries are tagged with the context they
/// were made under (ASID, VMID, stage-1 mode, attribute context; see TlbContext.cs): a context switch parks the
/// entries of other contexts instead of dropping them. The TLB knows nothing of the translation regime: the MMU
/// walks the tables and the PE hands the result to <see cref="Fill"/>, with the direct-access bits the memory system grants.
/// Every change that can remove or re-tag an entry forgets the line TLB (LTLB-2: its tags come from TLB entries).
/// </summary>
public sealed class Tlb
{
    public const int Bits = 10;
    /// <summary>Sets of the TLB; each set has <see cref="Ways"/> ways.</summary>
    public const int Sets = 1 << Bits;
    public const int Ways = 2;
    private const ulong PageMask = ~0xFFFUL;

    /// <summary>
    /// Way 0 of each set: the most recently used entry, the only one the inline fast paths probe. Allocated pinned, once,
    /// so that the fast path can hold its address (<see cref="TlbFastPath"/>).
    /// </summary>
    private readonly TlbEntry[] _way0 = GC.AllocateArray<TlbEntry>(Sets, pinned: true);
    /// <summary>Way 1: the least recently used entry of the set, probed on a way-0 miss and then swapped into way 0.</summary>
    private readonly TlbEntry[] _way1 = new TlbEntry[Sets];

    /// <summary>The context the usable entries belong to (TlbContext.cs).</summary>
    private ushort _ctxAsid, _ctxVmid;
    private bool _ctxStage1;
    private byte _ctxAttr;

    /// <summary>The (SCTLR_EL1 C/I/WXN, MAIR_EL1) pairs that attribute-context ids stand for; reset with a full flush when full.</summary>
    private readonly (ulong Sctlr, ulong Mair)[] _attrContexts = new (ulong, ulong)[MaxAttrContexts];
    private int _attrContextCount;
    private const int MaxAttrContexts = 16;

    /// <summary>The owning PE's line TLB, forgotten whenever an entry its tags may come from changes (LTLB-2).</summary>
    internal LineTlb LineTlb { get; set; } = LineTlb.None();

    public Tlb() => InvalidateAll();

    /// <summary>TLB misses filled since reset (a statistic).</summary>
    public ulong Fills { get; private set; }

    /// <summary>Way-0 misses that hit way 1 (a statistic).</summary>
    public ulong Way1Hits { get; private set; }

    /// <summary>Context switches that re-tagged the TLB (a statistic).</summary>
    public ulong ContextSwitches { get; private set; }

    /// <summary>
    /// The set of a VA: page-number bits [9:0] XOR [19:10] (VA[21:12] ^ VA[31:22]), so pages a multiple of 4 MiB apart
    /// (buffers, thread stacks, tables aligned to a power of two) fall into different sets instead of thrashing one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(ulong va) => (int)((va >> 12) ^ (va >> 22)) & (Sets - 1);

    /// <summary>The inline hit test over way 0 (the view the owning PE keeps in a field of its own).</summary>
    public unsafe TlbFastPath FastPath => new((TlbEntry*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_way0)));

    /// <summary>The attribute-context id entries filled now are tagged with.</summary>
    internal byte AttrContext => _ctxAttr;

    // ---------------- Lookup and fill ----------------

    /// <summary>
    /// The usable entry for <paramref name="va"/>: way 0 of its set, else way 1 (swapped into way 0, TLB-2), else a null
    /// reference (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>): a miss, for the caller to walk and <see cref="Fill"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TlbEntry Find(ulong va)
    {
        ulong vaPage = va & PageMask;
        int set = Index(va);
        ref TlbEntry e = ref _way0[set];
        if (e.VaPage == vaPage) return ref e;
        ref TlbEntry w1 = ref _way1[set];
        if (w1.VaPage == vaPage)
        {
            Way1Hits++;
            (e, w1) = (w1, e);
            return ref e;
        }
        return ref Unsafe.NullRef<TlbEntry>();
    }

    /// <summary>
    /// Fills way 0 of the set of <paramref name="vaPage"/> with translation <paramref name="r"/> (tagged with the current
    /// attribute context), the previous way-0 entry moving to way 1 (least recently used out, TLB-2). <paramref name="fast"/>
    /// are the direct-access bits and <paramref name="hostOffset"/> host address minus VA (0 without direct access).
    /// </summary>
    public ref TlbEntry Fill(ulong vaPage, scoped in TranslationResult r, ushort fast, long hostOffset)
    {
        int set = Index(vaPage);
        ref TlbEntry e = ref _way0[set];
        if (e.IsValid) _way1[set] = e;
        Fills++;
        if (r.BlockShift > 12) NoteBlock(vaPage, r.BlockShift);      // TLB-7
        LineTlb.Forget();      // the entry replaced may be the one the line TLB's tags came from
        e.VaPage = vaPage;
        e.PaPage = r.Pa & PageMask;
        e.IpaPage = r.Ipa & PageMask;
        e.DataAttributes = r.DataAttributes;
        e.FetchAttributes = r.FetchAttributes;
        e.Perm = r.Perm;
        e.Stage1Perm = r.Stage1Perm;
        e.Global = r.Global;
        e.Stage1 = r.Stage1;
        e.AttrContext = _ctxAttr;
        e.Asid = r.Asid;
        e.Vmid = r.Vmid;
        e.BlockShift = r.BlockShift;
        e.Level = r.Level;
        e.S2BlockShift = r.S2BlockShift;
        e.S2Level = r.S2Level;
        e.Region = r.Region;
        e.Fast = fast;
        e.HostOffset = hostOffset;
        return ref e;
    }

    // ---------------- Context (TlbContext.cs) ----------------

    /// <summary>
    /// Brings the TLB to a context (TLB-3): entries of other contexts are parked, those of this one un-parked. True when
    /// anything changed (a re-tag, or a flush because the attribute-context table was full), so the caller drops what
    /// it cached from entries; a few compares when nothing did.
    /// </summary>
    public bool SwitchContext(ushort asid, ushort vmid, bool stage1, ulong sctlrBits, ulong mair)
    {
        byte attr = AttrContextOf(sctlrBits, mair, out bool flushed);
        if (asid == _ctxAsid && vmid == _ctxVmid && stage1 == _ctxStage1 && attr == _ctxAttr) return flushed;
        _ctxAsid = asid;
        _ctxVmid = vmid;
        _ctxStage1 = stage1;
        _ctxAttr = attr;
        ContextSwitches++;
        Retag(_way0, asid, vmid, stage1, attr);
        Retag(_way1, asid, vmid, stage1, attr);
        LineTlb.Forget();    // LTLB-2: its tags are VAs of the old context
        return true;
    }

    /// <summary>Invalidates every entry (of every ASID and VMID) and makes the given context the current one.</summary>
    public void Flush(ushort asid, ushort vmid, bool stage1, ulong sctlrBits, ulong mair)
    {
        InvalidateAll();
        _ctxAsid = asid;
        _ctxVmid = vmid;
        _ctxStage1 = stage1;
        _ctxAttr = AttrContextOf(sctlrBits, mair, out _);
    }

    private static void Retag(TlbEntry[] tlb, ushort asid, ushort vmid, bool stage1, byte attr)
    {
        for (int i = 0; i < tlb.Length; i++)
        {
            ref TlbEntry e = ref tlb[i];
            ulong tag = e.VaPage;
            if (tag == TlbEntry.InvalidTag) continue;
            bool usable = e.Vmid == vmid && e.Stage1 == stage1 && e.AttrContext == attr && (e.Global || e.Asid == asid);
            e.VaPage = usable ? tag & ~TlbEntry.ParkedBit : tag | TlbEntry.ParkedBit;
        }
    }

    /// <summary>The id of an (SCTLR_EL1 C/I/WXN, MAIR_EL1) pair; a new pair when the table is full flushes the TLB.</summary>
    private byte AttrContextOf(ulong sctlrBits, ulong mair, out bool flushed)
    {
        flushed = false;
        var key = (sctlrBits, mair);
        if (_ctxAttr < _attrContextCount && _attrContexts[_ctxAttr] == key) return _ctxAttr;
        for (int i = 0; i < _attrContextCount; i++)
            if (_attrContexts[i] == key) return (byte)i;
        if (_attrContextCount == MaxAttrContexts)
        {
            // Every id is taken: drop all entries, so ids can be given out again.
            _attrContextCount = 0;
            InvalidateAll();
            flushed = true;
        }
        _attrContexts[_attrContextCount] = key;
        return (byte)_attrContextCount++;
    }

    // ---------------- Invalidation ----------------

    /// <summary>Invalidates every entry, usable or parked, leaving the context as it is.</summary>
    public void InvalidateAll()
    {
        LineTlb.Forget();
        ForgetBlocks();
        for (int i = 0; i < _way0.Length; i++)
        {
            _way0[i].VaPage = TlbEntry.InvalidTag;
            _way1[i].VaPage = TlbEntry.InvalidTag;
        }
    }

    /// <summary>Invalidates the valid entries (usable or parked) for which <paramref name="match"/> is true.</summary>
    public void InvalidateWhere(Func<TlbEntry, bool> match)
    {
        for (int i = 0; i < _way0.Length; i++)
        {
            if (_way0[i].IsValid && match(_way0[i])) _way0[i].VaPage = TlbEntry.InvalidTag;
            if (_way1[i].IsValid && match(_way1[i])) _way1[i].VaPage = TlbEntry.InvalidTag;
        }
        LineTlb.Forget();
    }

    /// <summary>
    /// A TLB maintenance instruction's selection (TLB-4) over both ways, usable and parked entries, of VMID
    /// <paramref name="vmid"/> (of any VMID with <paramref name="anyVmid"/>): <paramref name="addr"/> is the VA (VA[55:12]
    /// compared at the stage-1 mapping size) or the IPA (compared at the stage-2 mapping size) the scope names.
    /// </summary>
    public void Invalidate(TlbiScope scope, ulong addr, ushort asid, ushort vmid, bool anyVmid)
    {
        if ((scope == TlbiScope.Va || scope == TlbiScope.VaAllAsids) && !MayHoldBlockOf(addr))
        {
            // TLB-7: no entry of a block mapping covers addr, so only entries of addr's own page can be selected, and
            // an entry lives in the set of its page.
            int set = Index(addr);
            InvalidateIfSelected(ref _way0[set], scope, addr, asid, vmid, anyVmid);
            InvalidateIfSelected(ref _way1[set], scope, addr, asid, vmid, anyVmid);
        }
        else
        {
            for (int i = 0; i < Sets; i++)
            {
                InvalidateIfSelected(ref _way0[i], scope, addr, asid, vmid, anyVmid);
                InvalidateIfSelected(ref _way1[i], scope, addr, asid, vmid, anyVmid);
            }
        }
        LineTlb.Forget();
    }

    /// <summary>TLBI by VA compares VA[55:12]: the top byte is never compared.</summary>
    private const ulong Va56 = 0x00FF_FFFF_FFFF_FFFFUL;

    /// <summary>Invalidates <paramref name="e"/> when the TLBI selects it (TLB-4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InvalidateIfSelected(ref TlbEntry e, TlbiScope scope, ulong addr, ushort asid, ushort vmid, bool anyVmid)
    {
        if (!e.IsValid || (!anyVmid && e.Vmid != vmid)) return;
        ulong page = e.Page & Va56;
        bool hit = scope switch
        {
            TlbiScope.All => true,
            TlbiScope.Asid => !e.Global && e.Asid == asid,
            TlbiScope.Va => (e.Global || e.Asid == asid) && ((page ^ addr) >> e.BlockShift) == 0,
            TlbiScope.VaAllAsids => ((page ^ addr) >> e.BlockShift) == 0,
            _ => e.S2BlockShift < 63 && ((e.IpaPage ^ addr) >> e.S2BlockShift) == 0,
        };
        if (hit) e.VaPage = TlbEntry.InvalidTag;
    }

    // ---------------- TLB-7: where block mappings may be ----------------

    /// <summary>
    /// TLB-7: a filter of the blocks (stage-1 mappings over 4 KiB) the TLB has held an entry of since it was last
    /// emptied: one bit per hash of (mapping size, VA[55:size]), and one bit per mapping size in
    /// <see cref="_blockSizes"/>. Bits are only set until the TLB is emptied, so a block that was held always has its
    /// bit (a clear bit proves no entry of a block of that size covers the address); a set bit may be another block's.
    /// </summary>
    private readonly ulong[] _blockFilter = new ulong[BlockFilterBits / 64];
    private const int BlockFilterBits = 4096;
    /// <summary>TLB-7: bit s set when a block of 2^s bytes was noted in <see cref="_blockFilter"/>.</summary>
    private ulong _blockSizes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BlockFilterBit(ulong va, int shift) =>
        (int)((((va & Va56) >> shift) * 0x9E37_79B9_7F4A_7C15UL + (ulong)shift * 0xBF58_476D_1CE4_E5B9UL) >> 52);

    /// <summary>TLB-7: notes an entry of a block of 2^<paramref name="blockShift"/> bytes at <paramref name="vaPage"/>.</summary>
    private void NoteBlock(ulong vaPage, int blockShift)
    {
        int bit = BlockFilterBit(vaPage, blockShift);
        _blockFilter[bit >> 6] |= 1UL << bit;
        _blockSizes |= 1UL << blockShift;
    }

    /// <summary>TLB-7: whether an entry of a block mapping may cover <paramref name="addr"/> (VA[55:12] of a TLBI).</summary>
    private bool MayHoldBlockOf(ulong addr)
    {
        for (ulong sizes = _blockSizes; sizes != 0; sizes &= sizes - 1)
        {
            int bit = BlockFilterBit(addr, System.Numerics.BitOperations.TrailingZeroCount(sizes));
            if ((_blockFilter[bit >> 6] & (1UL << bit)) != 0) return true;
        }
        return false;
    }

    /// <summary>TLB-7: the TLB is empty, so it holds no block.</summary>
    private void ForgetBlocks()
    {
        if (_blockSizes == 0) return;
        Array.Clear(_blockFilter);
        _blockSizes = 0;
    }

    /// <summary>
    /// Clears the direct-write bits of every entry (usable or parked) of physical page <paramref name="paPage"/>
    /// (TLB-5): the page now holds code, or another PE's exclusive reservation, so stores must take the slow path.
    /// </summary>
    public void DropFastWrites(ulong paPage)
    {
        const ushort Writes = unchecked((ushort)~(TlbEntry.WriteEl0 | TlbEntry.WriteEl1));
        LineTlb.Forget();
        for (int i = 0; i < _way0.Length; i++)
        {
            if (_way0[i].IsValid && _way0[i].PaPage == paPage) _way0[i].Fast &= Writes;
            if (_way1[i].IsValid && _way1[i].PaPage == paPage) _way1[i].Fast &= Writes;
        }
    }

    /// <summary>Clears every direct-access bit of the entries of physical page <paramref name="paPage"/> (TLB-5).</summary>
    public void DropFastAccess(ulong paPage)
    {
        LineTlb.Forget();
        for (int i = 0; i < _way0.Length; i++)
        {
            if (_way0[i].IsValid && _way0[i].PaPage == paPage) _way0[i].Fast = 0;
            if (_way1[i].IsValid && _way1[i].PaPage == paPage) _way1[i].Fast = 0;
        }
    }

    // ---------------- Views for tests and statistics ----------------

    /// <summary>Way 0 of every set (after a lookup, the entry used is in way 0 of its set).</summary>
    public IReadOnlyList<TlbEntry> Snapshot => _way0;

    /// <summary>Both ways of every set.</summary>
    public IEnumerable<TlbEntry> Entries => _way0.Concat(_way1);

    /// <summary>Way 0's entry of the set of <paramref name="va"/>, for tests that install a translation by hand.</summary>
    internal ref TlbEntry Way0Of(ulong va) => ref _way0[Index(va)];
}

/// <summary>
/// A view of a <see cref="Tlb"/>'s way 0 for the inline fast path (TLB-6), which the PE keeps in a field of its own: the
/// address of its first entry. The TLB never replaces its arrays and allocates them pinned, so the view stays valid, and
/// a probe needs neither a null check nor a bounds check. Its probes are in <see cref="TlbProbes"/>.
/// </summary>
public readonly unsafe struct TlbFastPath
{
    internal readonly TlbEntry* Way0;

    internal TlbFastPath(TlbEntry* way0) => Way0 = way0;
}

/// <summary>
/// The one hit test every inline load and store, the slow paths' memory-system shortcut and the fetch path share
/// (TLB-6). Extension methods take the one-field view by value, so a probe from a field of the PE costs one load, as an
/// array field of its own would (an instance method of the struct takes it by reference, one instruction more).
/// </summary>
public static unsafe class TlbProbes
{
    private const ulong PageMask = ~0xFFFUL;

    /// <summary>
    /// Way 0 of the set of <paramref name="va"/> maps its page and grants one of <paramref name="fast"/> (a fast bit of
    /// the current EL: RAM the memory system lets this PE access directly), and va is aligned to
    /// <paramref name="alignMask"/> + 1 (a naturally aligned access neither crosses the page nor faults on alignment).
    /// Then <paramref name="host"/> is where va lives in host memory.
    /// </summary>
    /// <remarks>
    /// Page and alignment are one compare, as in <see cref="TlbEntry.Grants"/> (alignMask ≤ <see cref="TlbEntry.MaxAlignMask"/>;
    /// every caller passes a constant below 16).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryHostPointer(this TlbFastPath tlb, ulong va, ushort fast, ulong alignMask, out byte* host)
    {
        ref TlbEntry e = ref Way0Entry(tlb.Way0, va);
        host = (byte*)(e.HostOffset + (long)va);
        return e.VaPage == (va & (PageMask | alignMask)) && (e.Fast & fast) != 0;
    }

    /// <summary>
    /// <see cref="TryHostPointer(TlbFastPath, ulong, ushort, ulong, out byte*)"/> for the vector accessors: any
    /// alignment, as long as the <paramref name="bytes"/> stay in the page and an access not aligned to its element size
    /// <paramref name="elem"/> is not to Device memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryHostPointer(this TlbFastPath tlb, ulong va, ushort fast, int bytes, int elem, out byte* host)
    {
        ref TlbEntry e = ref Way0Entry(tlb.Way0, va);
        host = (byte*)(e.HostOffset + (long)va);
        return e.VaPage == (va & PageMask) && (e.Fast & fast) != 0 && (va & 0xFFF) <= (ulong)(0x1000 - bytes)
            && ((va & (ulong)(elem - 1)) == 0 || !e.DataAttributes.IsDevice);
    }

    /// <summary>Way 0's entry of the set of <paramref name="va"/>, whatever it holds: the fetch path's entry after its lookup, and the entry the slow paths' memory-system
    /// shortcut tests with <see cref="TlbEntry.Grants"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref TlbEntry Way0Of(this TlbFastPath tlb, ulong va) => ref Way0Entry(tlb.Way0, va);

    /// <summary>
    /// The byte offset of the entry of <paramref name="va"/>'s set in a way array: <see cref="Tlb.Index"/> times
    /// <see cref="TlbEntry.Size"/>, computed as the index with the multiplication folded into the shifts
    /// ((va &gt;&gt; 12) &lt;&lt; 6 is va &gt;&gt; 6 with bits [5:0] cleared, which the mask clears), and the two shifts of the
    /// hash shared: (va &gt;&gt; 6) ^ (va &gt;&gt; 16) = (va ^ (va &gt;&gt; 10)) &gt;&gt; 6.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint EntryOffset(ulong va) =>
        (nuint)(((va ^ (va >> (22 - 12))) >> (12 - TlbEntry.SizeShift)) & ((Tlb.Sets - 1) << TlbEntry.SizeShift));

    /// <summary>
    /// Way 0's entry of <paramref name="va"/>'s set: the offset is masked to the <see cref="Tlb.Sets"/> entries the
    /// pinned way array has (the TLB allocates it once, that long).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref TlbEntry Way0Entry(TlbEntry* way0, ulong va) => ref *(TlbEntry*)((byte*)way0 + EntryOffset(va));
}
