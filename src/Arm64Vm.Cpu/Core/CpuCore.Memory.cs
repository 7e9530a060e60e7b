using System.Runtime.CompilerServices;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Cpu;

/// <summary>Options of one data access, beyond its size and direction.</summary>
[Flags]
public enum AccessOptions : byte
{
    None = 0,
    /// <summary>LDTR/STTR: permission-checked as EL0 (Arm ARM C3.2.5).</summary>
    Unprivileged = 1,
    /// <summary>Must be naturally aligned whatever SCTLR.A says (exclusives, acquire/release, atomics).</summary>
    RequireAligned = 2,
    /// <summary>The access is a cache maintenance instruction (reported with ISS.CM = 1).</summary>
    CacheMaintenance = 4,
}

public sealed unsafe partial class CpuCore : IDirectAccessCounter
{
    public const int TlbBits = Tlb.Bits;
    /// <summary>Sets of the TLB; each set has <see cref="TlbWays"/> ways.</summary>
    public const int TlbSize = Tlb.Sets;
    public const int TlbWays = Tlb.Ways;
    private const ulong PageMask = ~(ulong)(Ram.PageSize - 1);

    /// <summary>This PE's TLB (TLB-1..TLB-6, specs/tlb.md): the MMU's (<see cref="Mmu.Tlb"/>), held here for the inline and slow paths.</summary>
    private readonly Tlb _tlb;
    /// <summary>The TLB's inline hit test (TLB-6), kept here so that a probe costs one field load, as an array would.</summary>
    private TlbFastPath _tlbFast;
    private ushort _fastRead;
    private ushort _fastWrite;
    /// <summary>
    /// The fast-path masks of the vector accessors: as <see cref="_fastRead"/>/<see cref="_fastWrite"/> when direct
    /// accesses are not counted (flat memory), else 0, because a vector access stands for a number of memory-system
    /// requests that depends on its alignment and element size.
    /// </summary>
    private ushort _vecFastRead;
    private ushort _vecFastWrite;
    /// <summary>True when the memory system counts this PE's direct accesses (a cache model's statistics).</summary>
    private bool _countsDirect;
    /// <summary>Accesses made straight in RAM by the fast paths (<see cref="IDirectAccessCounter"/>).</summary>
    private long _directReads, _directWrites;

    long IDirectAccessCounter.DirectReads => _directReads;
    long IDirectAccessCounter.DirectWrites => _directWrites;

    /// <summary>Test switch of <see cref="DisableDirectAccess"/>: no TLB entry gets direct-access bits (read by the Mmu's fill).</summary>
    internal bool NoDirectAccess { get; private set; }

    /// <summary>
    /// The line TLB (LTLB-1..LTLB-6, specs/coherence-invariants.md): up to 64 L1D lines this PE touched, each its set's most
    /// recently used, which the inline paths read and write in place while the memory system leaves them. One that never
    /// hits on flat memory.
    /// </summary>
    private LineTlb _lineTlb = LineTlb.None();

    /// <summary>
    /// Test switch: with <paramref name="off"/> no TLB entry gets fast bits, so every access is a request to the memory
    /// system (the reference the direct paths are compared with). Flushes the TLB.
    /// </summary>
    internal void DisableDirectAccess(bool off)
    {
        NoDirectAccess = off;
        FlushTlb();
    }

    /// <summary>This PE's TLB.</summary>
    public Tlb Tlb => _tlb;

    /// <summary>TLB misses filled since reset (a statistic).</summary>
    public ulong TlbFills => _tlb.Fills;

    /// <summary>Way-0 misses that hit way 1 (a statistic).</summary>
    public ulong TlbWay1Hits => _tlb.Way1Hits;

    /// <summary>The set of a VA (TLB-2, <see cref="Tlb.Index"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TlbIndex(ulong va) => Tlb.Index(va);

    private void InitTlb()
    {
        _tlbFast = _tlb.FastPath;
        FlushTlb();
        _countsDirect = Memory.Statistics != null;
        _lineTlb = Memory.LineTlbOf(Index) ?? LineTlb.None();
        _tlb.LineTlb = _lineTlb;
        Memory.AttachDirectAccessCounter(Index, this);
        foreach (var ram in Memory.Map.RamRegions)
        {
            ram.CodePageMarked += DropFastWrites;
            ram.PageCached += DropFastAccess;
        }
    }

    /// <summary>Invalidates every TLB entry of this PE (of every ASID and VMID).</summary>
    public void FlushTlb() => _mmu.FlushTlb();

    /// <summary>Invalidates the valid entries (usable or parked) for which <paramref name="match"/> is true.</summary>
    public void FlushTlbWhere(Func<TlbEntry, bool> match)
    {
        _tlb.InvalidateWhere(match);
        InvalidateFetch();
    }

    /// <summary>
    /// Makes writes to a physical page take the slow path (TLB-5): the page now holds code (raised by
    /// <see cref="Ram.CodePageMarked"/>, so stores reach the code tracker) or another PE's exclusive reservation.
    /// </summary>
    public void DropFastWrites(ulong paPage) => _tlb.DropFastWrites(paPage);

    /// <summary>
    /// Makes every access to a physical page take the slow path (TLB-5): the page got its first cached line, so a direct
    /// Non-cacheable or Device access might now hit a cached copy (raised by <see cref="Ram.PageCached"/>).
    /// </summary>
    public void DropFastAccess(ulong paPage) => _tlb.DropFastAccess(paPage);

    /// <summary>Way 0 of every set (after a lookup, the entry used is in way 0 of its set).</summary>
    internal IReadOnlyList<TlbEntry> TlbSnapshot => _tlb.Snapshot;

    /// <summary>Both ways of every set, for tests and statistics.</summary>
    internal IEnumerable<TlbEntry> TlbEntries => _tlb.Entries;

    /// <summary>Recomputes EL-dependent fast-path masks; called whenever PSTATE.EL changes.</summary>
    private void OnElChanged()
    {
        // DBG-9: no fast path while the data-access hook must see every access.
        _fastRead = _dataHook ? (ushort)0 : El == 0 ? TlbEntry.ReadEl0 : TlbEntry.ReadEl1;
        _fastWrite = _dataHook ? (ushort)0 : El == 0 ? TlbEntry.WriteEl0 : TlbEntry.WriteEl1;
        _vecFastRead = _countsDirect ? (ushort)0 : _fastRead;
        _vecFastWrite = _countsDirect ? (ushort)0 : _fastWrite;
        _lineTlb.Forget();     // LTLB-2: its tags were taken with the permissions of the previous EL
    }

    // ---------------- Fast paths: TLB hit on a RAM page, naturally aligned ----------------
    // LTLB-6: each inline access tries the line TLB first while it may hit, then the TLB's direct path (never both can
    // serve one access), then the slow path.

    /// <summary>
    /// The line TLB's hit test (LTLB-2, LTLB-3, LTLB-5): the read or (<paramref name="write"/>) write tag of the entry of
    /// <paramref name="va"/>'s slot is va's line and va is aligned to <paramref name="alignMask"/> + 1, so the access
    /// stays in the line and cannot fault. Then it is an L1D hit that changes nothing but the data and the hit count (counted here, LTLB-4),
    /// and <paramref name="host"/> is where va's bytes live in the L1D.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryLinePointer(bool write, ulong va, ulong alignMask, out byte* host, int accesses = 1)
    {
        var lt = _lineTlb;
        ref LineTlb.Entry e = ref lt.EntryOf(va);      // LTLB-5: the entry of va's slot
        host = e.Data + (va & (CacheConfig.LineSize - 1));
        if ((write ? e.WriteVa : e.ReadVa) != (va & ~(ulong)(CacheConfig.LineSize - 1)) || (va & alignMask) != 0) return false;
        lt.Stats.Hits += accesses;
        return true;
    }

    /// <summary>
    /// CPU-PAIR-1's one probe for both elements of a pair (<paramref name="size"/> = 4 or 8 bytes each) at
    /// <paramref name="va"/>, aligned to size: the line TLB when the pair stays in va's line (two L1D hits counted,
    /// LTLB-4), else the TLB fast path when it stays in va's page (two direct accesses counted), in LTLB-6's order;
    /// false, with nothing done or counted, otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryPairPointer(bool write, ulong va, int size, out byte* host)
    {
        ulong alignMask = (ulong)(size - 1);
        if (_lineTlb.MayHit && (va & (CacheConfig.LineSize - 1)) + (ulong)(2 * size) <= CacheConfig.LineSize
            && TryLinePointer(write, va, alignMask, out host, accesses: 2)) return true;
        if ((va & 0xFFF) + (ulong)(2 * size) <= 0x1000 && _tlbFast.TryHostPointer(va, write ? _fastWrite : _fastRead, alignMask, out host))
        {
            if (write) _directWrites += 2;
            else _directReads += 2;
            return true;
        }
        host = null;
        return false;
    }

    /// <summary>
    /// A load pair's two elements (<paramref name="size"/> = 4 or 8 bytes each, at va and va + size, zero-extended), as
    /// two accesses in order. CPU-PAIR-1: through one probe when it can serve both — the TLB fast path when the pair
    /// stays in va's page, else the line TLB when it stays in va's line, va aligned to size: each element is then exactly
    /// the access it would be alone (two direct accesses, or two L1D hits: LTLB-4) and nothing can come between them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadPair(ulong va, int size, out ulong first, out ulong second)
    {
        if (!TryPairPointer(write: false, va, size, out byte* p))
        {
            ReadPairElementwise(va, size, out first, out second);
            return;
        }
        first = size == 8 ? *(ulong*)p : *(uint*)p;
        second = size == 8 ? *(ulong*)(p + 8) : *(uint*)(p + 4);
    }

    /// <summary><see cref="ReadPair"/> as two single accesses, out of line so the pair handlers stay small.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReadPairElementwise(ulong va, int size, out ulong first, out ulong second)
    {
        // A pair inside one line (so inside one page) missed both fast paths, so its first element alone misses them too:
        // its request is made here, as ReadSlow would make it (one call fewer on a pair's line miss).
        if ((va & (CacheConfig.LineSize - 1)) + (ulong)(2 * size) <= CacheConfig.LineSize)
            first = !_dataHook && TryRequestRead(va, size, out ulong v) ? v : ReadSlow(va, size, AccessOptions.None);
        else first = size == 8 ? ReadU64(va) : ReadU32(va);
        // When the first element's request left the line in the line TLB, this tries it first (LTLB-6).
        second = size == 8 ? ReadU64(va + 8) : ReadU32(va + 4);
    }

    /// <summary>
    /// A store pair's two elements (the low <paramref name="size"/> = 4 or 8 bytes of each, at va and va + size), as two
    /// accesses in order, through one probe when it can serve both (CPU-PAIR-1, as <see cref="ReadPair"/>, with the
    /// write permission and the line TLB's write tag). A pair that crosses a page translates both pages for writing
    /// first, so a fault on the second page leaves memory unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WritePair(ulong va, int size, ulong first, ulong second)
    {
        if (!TryPairPointer(write: true, va, size, out byte* p))
        {
            WritePairElementwise(va, size, first, second);
            return;
        }
        if (size == 8)
        {
            *(ulong*)p = first;
            *(ulong*)(p + 8) = second;
        }
        else
        {
            *(uint*)p = (uint)first;
            *(uint*)(p + 4) = (uint)second;
        }
    }

    /// <summary><see cref="WritePair"/> as two single accesses (both pages translated first when it crosses one), out of line.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WritePairElementwise(ulong va, int size, ulong first, ulong second)
    {
        if ((va & 0xFFF) + (ulong)(2 * size) > 0x1000) ProbeStorePair(va, size);
        if ((va & (CacheConfig.LineSize - 1)) + (ulong)(2 * size) <= CacheConfig.LineSize)
        {
            // As in ReadPairElementwise: the first element alone misses both fast paths, and its request is made here.
            if (_dataHook || !TryRequestWrite(va, size, first)) WriteSlow(va, size, first, AccessOptions.None);
            // As in ReadPairElementwise: the line TLB first (LTLB-6), with the write tag (LTLB-3).
            if (size == 8) WriteU64(va + 8, second);
            else WriteU32(va + 4, (uint)second);
        }
        else if (size == 8)
        {
            WriteU64(va, first);
            WriteU64(va + 8, second);
        }
        else
        {
            WriteU32(va, (uint)first);
            WriteU32(va + 4, (uint)second);
        }
    }

    /// <summary>
    /// Before a request through TLB entry <paramref name="h"/> for <paramref name="va"/> at <paramref name="pa"/>
    /// (LTLB-1): the line TLB is to take the memory system's offer of pa's line, if it makes one, tagged with va's line
    /// for reads (read permission at this EL, LTLB-2) and for writes (LTLB-3: write permission, and no other PE's
    /// exclusive reservation in the page, whose stores must reach the global monitor; the line TLB adds the line's
    /// state and attributes). <see cref="_fastRead"/>/<see cref="_fastWrite"/> are 0 while the data-access hook must
    /// see every access, so then no tag is given. The caller clears <see cref="LineTlb.PendingLine"/> after the request.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExpectLine(LineTlb lt, ref TlbEntry h, ulong va, ulong pa)
    {
        ulong line = va & ~(ulong)(CacheConfig.LineSize - 1);
        ushort perm = h.Perm;
        lt.Expect(pa >> CacheConfig.LineShift, (perm & _fastRead) != 0 ? line : LineTlb.NoLine,
            (perm & _fastWrite) != 0 && !(_monitor.HasAny && _monitor.IsPageReservedByOther(Index, pa & PageMask))
                ? line : LineTlb.NoLine,
            h.DataAttributes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadU8(ulong va)
    {
        if (_lineTlb.MayHit && TryLinePointer(false, va, 0, out byte* p)) return *p;
        if (_tlbFast.TryHostPointer(va, _fastRead, 0, out p)) { _directReads++; return *p; }
        return (byte)ReadSlow(va, 1, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadU16(ulong va)
    {
        if (_lineTlb.MayHit && TryLinePointer(false, va, 1, out byte* p)) return *(ushort*)p;
        if (_tlbFast.TryHostPointer(va, _fastRead, 1, out p)) { _directReads++; return *(ushort*)p; }
        return (ushort)ReadSlow(va, 2, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadU32(ulong va)
    {
        if (_lineTlb.MayHit && TryLinePointer(false, va, 3, out byte* p)) return *(uint*)p;
        if (_tlbFast.TryHostPointer(va, _fastRead, 3, out p)) { _directReads++; return *(uint*)p; }
        return (uint)ReadSlow(va, 4, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadU64(ulong va)
    {
        if (_lineTlb.MayHit && TryLinePointer(false, va, 7, out byte* p)) return *(ulong*)p;
        if (_tlbFast.TryHostPointer(va, _fastRead, 7, out p)) { _directReads++; return *(ulong*)p; }
        return ReadSlow(va, 8, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteU8(ulong va, byte value)
    {
        if (_lineTlb.MayHit && TryLinePointer(true, va, 0, out byte* p)) { *p = value; return; }
        if (_tlbFast.TryHostPointer(va, _fastWrite, 0, out p)) { _directWrites++; *p = value; return; }
        WriteSlow(va, 1, value, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteU16(ulong va, ushort value)
    {
        if (_lineTlb.MayHit && TryLinePointer(true, va, 1, out byte* p)) { *(ushort*)p = value; return; }
        if (_tlbFast.TryHostPointer(va, _fastWrite, 1, out p)) { _directWrites++; *(ushort*)p = value; return; }
        WriteSlow(va, 2, value, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteU32(ulong va, uint value)
    {
        if (_lineTlb.MayHit && TryLinePointer(true, va, 3, out byte* p)) { *(uint*)p = value; return; }
        if (_tlbFast.TryHostPointer(va, _fastWrite, 3, out p)) { _directWrites++; *(uint*)p = value; return; }
        WriteSlow(va, 4, value, AccessOptions.None);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteU64(ulong va, ulong value)
    {
        if (_lineTlb.MayHit && TryLinePointer(true, va, 7, out byte* p)) { *(ulong*)p = value; return; }
        if (_tlbFast.TryHostPointer(va, _fastWrite, 7, out p)) { _directWrites++; *(ulong*)p = value; return; }
        WriteSlow(va, 8, value, AccessOptions.None);
    }

    /// <summary>Reads 1, 2, 4 or 8 bytes with options (zero-extended).</summary>
    public ulong Read(ulong va, int size, AccessOptions options = AccessOptions.None)
    {
        if (options == AccessOptions.None)
        {
            switch (size)
            {
                case 1: return ReadU8(va);
                case 2: return ReadU16(va);
                case 4: return ReadU32(va);
                case 8: return ReadU64(va);
            }
        }
        return ReadSlow(va, size, options);
    }

    /// <summary>Writes 1, 2, 4 or 8 bytes with options.</summary>
    public void Write(ulong va, int size, ulong value, AccessOptions options = AccessOptions.None)
    {
        if (options == AccessOptions.None)
        {
            switch (size)
            {
                case 1: WriteU8(va, (byte)value); return;
                case 2: WriteU16(va, (ushort)value); return;
                case 4: WriteU32(va, (uint)value); return;
                case 8: WriteU64(va, value); return;
            }
        }
        WriteSlow(va, size, value, options);
    }

    // ---------------- Slow paths ----------------

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadSlow(ulong va, int size, AccessOptions options)
    {
        if (_dataHook) DataAccessHook(va, size, read: true, write: false, options);   // DBG-6, PMU-MEM
        else if (options == AccessOptions.None && TryRequestRead(va, size, out ulong value)) return value;
        return ReadSlowPath(va, size, options);
    }

    /// <summary>
    /// The memory-system path of a read with no options (cache model, MMIO; TLB-6): a TLB hit with the permission
    /// TranslateData would require (RequiredPermission(Read, El, None) is the _fastRead bit) on a naturally aligned
    /// access, which can neither cross a page nor fault on alignment, goes straight to the memory system, expecting
    /// its line's offer (LTLB-1). False, with nothing done, otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryRequestRead(ulong va, int size, out ulong value)
    {
        ref TlbEntry h = ref _tlbFast.Way0Of(va);
        if (!h.Grants(va, _fastRead, (ulong)(size - 1)))
        {
            value = 0;
            return false;
        }
        ulong pa = h.PaPage | (va & 0xFFF);
        var lt = _lineTlb;
        ExpectLine(lt, ref h, va, pa);
        bool ok = Memory.TryRead(Index, pa, size, AccessKind.Read, h.DataAttributes, out value);
        lt.PendingLine = LineTlb.NoLine;
        if (!ok) RaiseExternalAbort(va, pa, write: false, AccessOptions.None);
        return true;
    }

    private ulong ReadSlowPath(ulong va, int size, AccessOptions options)
    {
        if (options == AccessOptions.None && TryRequestRead(va, size, out ulong hv)) return hv;
        if (!IsAlignmentOk(va, size, options))
        {
            RaiseDataAbort(va, FaultStatus.Alignment, write: false, options);
        }
        if (((va & 0xFFF) + (ulong)size) > 0x1000)
        {
            // Crosses a page: performed as single bytes, each translated (Arm ARM B2.6: unaligned Normal accesses
            // may be split into byte accesses).
            ulong v = 0;
            for (int i = 0; i < size; i++) v |= ReadSlowPath(va + (ulong)i, 1, options & ~AccessOptions.RequireAligned) << (8 * i);
            return v;
        }
        ref TlbEntry e = ref TranslateData(va, write: false, options);
        if (e.DataAttributes.IsDevice && (va & (ulong)(size - 1)) != 0)
            RaiseDataAbort(va, FaultStatus.Alignment, write: false, options);
        ulong pa = e.PaPage | (va & 0xFFF);
        if (!Memory.TryRead(Index, pa, size, AccessKind.Read, e.DataAttributes, out ulong value))
            RaiseExternalAbort(va, pa, write: false, options);
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteSlow(ulong va, int size, ulong value, AccessOptions options)
    {
        if (_dataHook) DataAccessHook(va, size, read: false, write: true, options);   // DBG-6, PMU-MEM
        else if (options == AccessOptions.None && TryRequestWrite(va, size, value)) return;
        WriteSlowPath(va, size, value, options);
    }

    /// <summary>
    /// As <see cref="TryRequestRead"/> for a write, with the write permission (RequiredPermission(Write, El, None) =
    /// _fastWrite); the store then reaches the global monitor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryRequestWrite(ulong va, int size, ulong value)
    {
        ref TlbEntry h = ref _tlbFast.Way0Of(va);
        if (!h.Grants(va, _fastWrite, (ulong)(size - 1))) return false;
        ulong pa = h.PaPage | (va & 0xFFF);
        var lt = _lineTlb;
        ExpectLine(lt, ref h, va, pa);
        bool ok = Memory.TryWrite(Index, pa, size, AccessKind.Write, h.DataAttributes, value);
        lt.PendingLine = LineTlb.NoLine;
        if (!ok) RaiseExternalAbort(va, pa, write: true, AccessOptions.None);
        if (_monitor.HasAny) _monitor.NoteStore(Index, pa);
        return true;
    }

    private void WriteSlowPath(ulong va, int size, ulong value, AccessOptions options)
    {
        if (options == AccessOptions.None && TryRequestWrite(va, size, value)) return;
        if (!IsAlignmentOk(va, size, options))
            RaiseDataAbort(va, FaultStatus.Alignment, write: true, options);
        if (((va & 0xFFF) + (ulong)size) > 0x1000)
        {
            // Translate both pages before writing anything so a fault on the second page leaves memory unchanged.
            TranslateData(va, write: true, options);
            TranslateData((va + (ulong)size - 1) & PageMask, write: true, options);
            for (int i = 0; i < size; i++) WriteSlowPath(va + (ulong)i, 1, value >> (8 * i), options & ~AccessOptions.RequireAligned);
            return;
        }
        ref TlbEntry e = ref TranslateData(va, write: true, options);
        if (e.DataAttributes.IsDevice && (va & (ulong)(size - 1)) != 0)
            RaiseDataAbort(va, FaultStatus.Alignment, write: true, options);
        ulong pa = e.PaPage | (va & 0xFFF);
        if (!Memory.TryWrite(Index, pa, size, AccessKind.Write, e.DataAttributes, value))
            RaiseExternalAbort(va, pa, write: true, options);
        if (_monitor.HasAny) _monitor.NoteStore(Index, pa);
    }

    private bool IsAlignmentOk(ulong va, int size, AccessOptions options)
    {
        if ((va & (ulong)(size - 1)) == 0) return true;
        if ((options & AccessOptions.RequireAligned) != 0) return false;
        return !SysRegs.AlignmentCheckEnabled;
    }

    /// <summary>
    /// Translates a data VA for the current EL (or EL0 when unprivileged), checking permissions; takes the fault
    /// (throwing <see cref="GuestException"/>) if there is one. Returns the TLB entry, valid until the next fill
    /// (<see cref="Mmu.TranslateData"/>).
    /// </summary>
    public ref TlbEntry TranslateData(ulong va, bool write, AccessOptions options = AccessOptions.None) =>
        ref _mmu.TranslateData(va, write ? AccessKind.Write : AccessKind.Read, (options & AccessOptions.Unprivileged) != 0 ? 0 : El, options);

    /// <summary>Physical address of a data VA (with permission checks and faults), for exclusives, atomics and CMOs.</summary>
    public ulong TranslateDataPa(ulong va, bool write, AccessOptions options, out MemoryAttributes attributes)
    {
        ref TlbEntry e = ref TranslateData(va, write, options);
        attributes = e.DataAttributes;
        return e.PaPage | (va & 0xFFF);
    }

    /// <summary>Translation without side effects on guest state (traces, debuggers): false on any fault.</summary>
    public bool TryTranslateNoFault(ulong va, AccessKind kind, int el, out ulong pa, out MemoryAttributes attributes) =>
        _mmu.TryTranslateNoFault(va, kind, el, out pa, out attributes);

    /// <summary>Takes a data abort to EL1 for a fault at stage 1 (alignment, translation, permission...).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void RaiseDataAbort(ulong va, uint dfsc, bool write, AccessOptions options)
    {
        if (_mmu.Mode != TranslationMode.Normal) throw GuestException.Instance;
        NextPc = Pc;
        TakeDataAbort(va, dfsc, write, cacheMaintenance: (options & AccessOptions.CacheMaintenance) != 0);
        throw GuestException.Instance;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RaiseExternalAbort(ulong va, ulong pa, bool write, AccessOptions options)
    {
        RaiseDataAbort(va, FaultStatus.SynchronousExternal, write, options);
    }
}
