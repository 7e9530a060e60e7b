using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// Metadata of one cache line besides its tag (tags live apart in <see cref="Cache.Tags"/> so a set is scanned in one
/// or two host cache lines). The data lives in <see cref="Cache.Data"/> at index * 64.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct LineMeta
{
    /// <summary>
    /// Replacement stamp (LRU-1): the clock of the line's set when the line was last used. Stamps order the lines of
    /// one set only (each set has its own clock), which is all replacement compares.
    /// </summary>
    public ulong Stamp;
    /// <summary>
    /// Where the line was filled in the parent cache (<see cref="Cache.Parent"/>), or -1: a back-pointer so a
    /// write-back needs no set scan. Only a hint, checked against the parent's tag before use.
    /// </summary>
    public int ParentIndex;
    public LineState State;
    /// <summary>No other cache of the coherence domain holds the line (MESI "exclusive"): a write hit needs no snoop.</summary>
    public bool Unique;
}

/// <summary>
/// One cache instance: a set-associative array of lines that hold data. Physically indexed and tagged. Pure storage
/// and replacement; the coherence rules live in <see cref="CacheMemorySystem"/>.
/// </summary>
public sealed partial class Cache
{
    public const ulong InvalidTag = ulong.MaxValue;

    /// <summary>
    /// The LRU clocks, one per set (LRU-1): the stamp of the set's line touched last. Each starts at 1, above the 0 of
    /// never-stamped ways. Per set rather than one per cache, so hits in different sets do not wait on one another's
    /// clock update (the replacement order within a set is the same either way: it only compares stamps of one set).
    /// </summary>
    private readonly ulong[] _setClock;
    /// <summary>log2(Ways) when Ways is a power of two, else -1 (<see cref="SetOfIndex"/>).</summary>
    private readonly int _wayShift;
    private ulong _random;
    private readonly bool _lru;

    public Cache(int id, string name, int level, CacheKind kind, bool isOuter, CacheGeometry geometry, ulong seed)
    {
        Id = id;
        Name = name;
        Level = level;
        Kind = kind;
        IsOuter = isOuter;
        Geometry = geometry;
        Ways = geometry.Ways;
        Sets = geometry.Sets(CacheConfig.LineSize);
        SetMask = Sets - 1;
        // Pinned: the CPUs' L1D hit paths keep their addresses (L1Hint).
        Lines = GC.AllocateArray<LineMeta>(Sets * Ways, pinned: true);
        Tags = GC.AllocateArray<ulong>(Lines.Length, pinned: true);
        _wayOfMask = Sets * (int)BitOperations.RoundUpToPowerOf2((uint)Ways) - 1;
        _wayOf = new byte[_wayOfMask + 1];
        _setClock = GC.AllocateArray<ulong>(Sets, pinned: true);
        Array.Fill(_setClock, 1UL);
        unsafe
        {
            TagsAddress = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Tags));
            LinesAddress = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Lines));
            ClocksAddress = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_setClock));
        }
        _wayShift = BitOperations.IsPow2(Ways) ? BitOperations.Log2((uint)Ways) : -1;
        // Pinned: a CPU's line TLB keeps the address of a line's data (LTLB-2).
        // 64 bytes more than the lines need, so that line 0 (and so every line) starts on a host cache line: a line's
        // 64-byte copies (fills, write-backs) are then one aligned vector access each, not two split ones.
        _data = GC.AllocateArray<byte>(Lines.Length * CacheConfig.LineSize + HostLine, pinned: true);
        unsafe
        {
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_data));
            DataAddress = (start + HostLine - 1) & ~(nint)(HostLine - 1);
        }
        Array.Fill(Tags, InvalidTag);
        _lru = geometry.Replacement == ReplacementPolicy.Lru;
        _random = seed == 0 ? 0x2545_F491_4F6C_DD1DUL : seed;
    }

    public int Id { get; }
    public string Name { get; }
    /// <summary>1, 2 or 3 (system cache).</summary>
    public int Level { get; }
    public CacheKind Kind { get; }
    /// <summary>Looked up by accesses that are outer cacheable (the system cache); the others use inner cacheability.</summary>
    public bool IsOuter { get; }
    public CacheGeometry Geometry { get; }
    public readonly int Ways;
    public readonly int Sets;
    public readonly int SetMask;
    /// <summary>Line address (PA >> 6) held by each way, or <see cref="InvalidTag"/>; indexed like <see cref="Lines"/>.</summary>
    public readonly ulong[] Tags;
    public readonly LineMeta[] Lines;
    /// <summary>The lines' data, line index i at i * 64 (a view of the pinned buffer, from its first 64-byte aligned byte).</summary>
    public unsafe ReadOnlySpan<byte> Data => new((void*)DataAddress, Lines.Length * CacheConfig.LineSize);
    /// <summary>The pinned buffer <see cref="Data"/> lies in.</summary>
    private readonly byte[] _data;
    private const int HostLine = 64;
    /// <summary>Host address of <see cref="Data"/> (pinned, so it never moves; a multiple of 64).</summary>
    internal readonly nint DataAddress;
    /// <summary>Host addresses of <see cref="Tags"/>, <see cref="Lines"/> and the per-set LRU clocks (pinned).</summary>
    internal readonly nint TagsAddress, LinesAddress, ClocksAddress;
    /// <summary>Number of valid lines: a cache with none is skipped by snoops (an exact snoop filter).</summary>
    public int ValidCount { get; private set; }
    /// <summary>The next cache towards memory, or null when the next stop is memory.</summary>
    public Cache? Parent { get; internal set; }
    /// <summary>Caches whose parent this is.</summary>
    public List<Cache> Children { get; } = new();
    public InclusionPolicy Inclusion { get; internal set; } = InclusionPolicy.NonInclusive;
    /// <summary>Agent indices (internal) whose path includes this cache.</summary>
    internal List<int> Users { get; } = new();
    /// <summary>The per-page count of cached lines this cache keeps up to date (set by the owning model).</summary>
    internal CachedPages? Pages { get; set; }
    public CacheLevelStatistics Stats { get; } = new();
    /// <summary>
    /// The line TLB of the CPU whose L1D this is, while it is on (null otherwise): told of every change of the LRU order
    /// and of the line it holds (LTLB-1).
    /// </summary>
    internal LineTlb? Mru { get; set; }

    /// <summary>The line address held at index <paramref name="index"/>, or <see cref="InvalidTag"/>.</summary>
    public ulong TagOf(int index) => Tags[index];

    /// <summary>
    /// Index of the line in Lines, or -1. The tags of a set are compared in vectors (2 or 4 at a time) and the
    /// matches gathered into one mask, so the only branch is hit or miss, not the way that hit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong line)
    {
        int b = ((int)line & SetMask) * Ways;
        ref ulong t = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), b);
        if (Ways == 2)
        {
            // The L1D of the modelled cores: two compares, no loop.
            if (t == line) return b;
            return Unsafe.Add(ref t, 1) == line ? b + 1 : -1;
        }
        if (Ways >= 8 && (Ways & 3) == 0 && Ways <= 64 && Vector256.IsHardwareAccelerated) return FindWide(ref t, b, line);
        for (int w = 0; w < Ways; w++)
            if (Unsafe.Add(ref t, w) == line) return b + w;
        return -1;
    }

    /// <summary>
    /// The way <see cref="FindPredicted"/> found a line in last, per line address modulo the table's size (a power of
    /// two at least the number of lines, so the lines of one set that the cache can hold at once mostly have entries of
    /// their own; a byte: with more than 256 ways the way is kept modulo 256, a worse prediction, still checked by tag).
    /// Host-side only: no part of the model's state.
    /// </summary>
    private readonly byte[] _wayOf;
    private readonly int _wayOfMask;

    /// <summary>
    /// <see cref="Find"/> that first compares the way the line was found in last (checked by tag, so the result is
    /// always Find's: a line is in at most one way). A line stays in its way while the cache holds it, so a miss that
    /// streams through the L2 finds its line with one compare, also when several streams share the L2's sets (a copy's
    /// source and destination) and the line a prefetch for it looked up just before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int FindPredicted(ulong line)
    {
        int b = ((int)line & SetMask) * Ways;
        ref byte way = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_wayOf), (int)line & _wayOfMask);
        int p = b + way;
        if (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), p) == line) return p;
        int i = Find(line);
        if (i >= 0) way = (byte)(i - b);
        return i;
    }

    /// <summary><see cref="Find"/> for a multiple of 4 ways (at most 64): four tags per compare.</summary>
    private int FindWide(ref ulong t, int b, ulong line)
    {
        var key = Vector256.Create(line);
        ulong m = 0;
        for (int w = 0; w < Ways; w += 4)
            m |= (ulong)Vector256.Equals(Vector256.LoadUnsafe(ref t, (nuint)w), key).ExtractMostSignificantBits() << w;
        return m == 0 ? -1 : b + BitOperations.TrailingZeroCount(m);
    }

    /// <summary>The set of line index <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int SetOfIndex(int index) => _wayShift >= 0 ? index >> _wayShift : index / Ways;

    /// <summary>
    /// Makes the line at <paramref name="index"/> the most recently used of its set (LRU-1). The set's line touched
    /// last (its stamp is the set's clock) already is, so it keeps its stamp and the LRU order stays the same: repeated
    /// hits on one line write nothing. A stamp that changes ends the line TLB's entry of the set's slot (LTLB-1, LTLB-5;
    /// it may name a line of another set, whose order did not change: forgetting it then is only a lost hit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int index)
    {
        ref LineMeta m = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Lines), index);
        ref ulong clock = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_setClock), SetOfIndex(index));
        if (m.Stamp != clock)
        {
            m.Stamp = ++clock;
            Mru?.ForgetSet(SetOfIndex(index));
        }
    }

    /// <summary>
    /// <see cref="Touch"/> for the hit paths, which hold the line's metadata (<see cref="LineRef"/>) and its set, and
    /// offer the line to the line TLB next (the offer replaces the entry, so it need not be forgotten first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void TouchHit(ref LineMeta m, int set)
    {
        ref ulong clock = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_setClock), set);
        if (m.Stamp != clock) m.Stamp = ++clock;
    }

    /// <summary>The tag of line index <paramref name="index"/> (no bounds check: indices come from this cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref ulong TagRef(int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), index);

    /// <summary>The metadata of line index <paramref name="index"/> (no bounds check: indices come from this cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref LineMeta LineRef(int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Lines), index);

    /// <summary>Byte <paramref name="offset"/> of line index <paramref name="index"/>'s data, through the pinned address (no array checks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe ref byte DataAt(int index, int offset) =>
        ref Unsafe.AsRef<byte>((byte*)DataAddress + ((nint)index * CacheConfig.LineSize + offset));

    /// <summary>LTLB-1: the state (Dirty, Unique) or presence of line index <paramref name="index"/> changes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void LineChanged(int index)
    {
        Mru?.ForgetIndex(index, SetOfIndex(index));
    }

    public LineState StateOf(ulong line)
    {
        int i = Find(line);
        return i < 0 ? LineState.Invalid : Lines[i].State;
    }

    /// <summary>The first byte of line index <paramref name="index"/>'s data (no bounds check: indices come from this cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe ref byte DataRef(int index) =>
        ref Unsafe.AsRef<byte>((byte*)DataAddress + (nint)index * CacheConfig.LineSize);

    /// <summary>The 64 bytes of line index <paramref name="index"/> (checked against the number of lines).</summary>
    public unsafe Span<byte> LineData(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Lines.Length, nameof(index));
        return new Span<byte>((byte*)DataAddress + (nint)index * CacheConfig.LineSize, CacheConfig.LineSize);
    }

    /// <summary>The way to fill for a line: a free way of its set, else the replacement victim (still valid).</summary>
    public int ChooseVictim(ulong line)
    {
        int b = ((int)line & SetMask) * Ways;
        int free = FreeWay(b);
        if (free >= 0) return free;
        if (Geometry.Replacement == ReplacementPolicy.PseudoRandom)
        {
            // xorshift64*: deterministic for a given seed.
            _random ^= _random >> 12; _random ^= _random << 25; _random ^= _random >> 27;
            return b + (int)((_random * 0x2545_F491_4F6C_DD1DUL >> 33) % (ulong)Ways);
        }
        return LruWay(b);
    }

    /// <summary>The first free way of the set starting at line index <paramref name="b"/>, or -1 (compared as <see cref="Find"/> does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int FreeWay(int b)
    {
        ref ulong t = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), b);
        if (Ways >= 8 && (Ways & 3) == 0 && Ways <= 64 && Vector256.IsHardwareAccelerated) return FindWide(ref t, b, InvalidTag);
        for (int w = 0; w < Ways; w++)
            if (Unsafe.Add(ref t, w) == InvalidTag) return b + w;
        return -1;
    }

    /// <summary>
    /// The least recently used way of the full set starting at line index <paramref name="b"/> (the first of equal
    /// stamps). Without branches on the stamps: which way is older is as good as random to the host's predictor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int LruWay(int b)
    {
        ref LineMeta m = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Lines), b);
        ulong oldest = m.Stamp;
        int victim = 0;
        for (int w = 1; w < Ways; w++)
        {
            ulong s = Unsafe.Add(ref m, w).Stamp;
            int older = s < oldest ? 1 : 0;             // setcc, no jump
            int mask = -older;
            victim = (victim & ~mask) | (w & mask);
            oldest ^= (oldest ^ s) & (ulong)(long)mask;
        }
        return b + victim;
    }

    /// <summary>Puts a line into a free way (the caller removed the previous one): Clean, not unique, most recently used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Fill(int index, ulong line)
    {
        Retag(index, line);
        ValidCount++;
        Pages?.Add(line);
        Touch(index);
    }

    /// <summary>Tags line index <paramref name="index"/> with <paramref name="line"/>: Clean, not unique, no back-pointer yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref LineMeta Retag(int index, ulong line)
    {
        TagRef(index) = line;
        ref var m = ref LineRef(index);
        m.State = LineState.Clean;
        m.Unique = false;
        m.ParentIndex = -1;
        return ref m;
    }

    /// <summary><see cref="ChooseVictim"/>, inline for LRU replacement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int ChooseVictimInline(ulong line)
    {
        if (!_lru) return ChooseVictim(line);
        int b = ((int)line & SetMask) * Ways;
        if (Ways == 2)
        {
            // The modelled L1Ds: FreeWay and LruWay unrolled (the first free way, else the older stamp, way 0 on a tie).
            ref ulong t = ref TagRef(b);
            if (t == InvalidTag) return b;
            if (Unsafe.Add(ref t, 1) == InvalidTag) return b + 1;
            ref LineMeta m = ref LineRef(b);
            return Unsafe.Add(ref m, 1).Stamp < m.Stamp ? b + 1 : b;
        }
        int free = FreeWay(b);
        return free >= 0 ? free : LruWay(b);
    }

    /// <summary>
    /// <see cref="Drop"/> of the valid line <paramref name="victim"/> at <paramref name="index"/> and then
    /// <see cref="Fill"/> of <paramref name="line"/> there, in one, inline: the same tag, state, valid count, page counts
    /// (in the same order) and stamp. The line TLB is told once: the set's entries go (LTLB-1, LTLB-5), which covers
    /// both the victim's change and the new order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Replace(int index, ulong victim, ulong line)
    {
        ref var m = ref Retag(index, line);
        if (Pages != null)
        {
            Pages.Remove(victim);
            Pages.Add(line);
        }
        int set = SetOfIndex(index);
        TouchHit(ref m, set);
        Mru?.ForgetSet(set);
    }

    /// <summary>Marks a line invalid (no write-back: the caller handled dirty data).</summary>
    public void Drop(int index)
    {
        ulong line = Tags[index];
        if (line == InvalidTag) return;
        LineChanged(index);
        Tags[index] = InvalidTag;
        Lines[index].State = LineState.Invalid;
        Lines[index].Unique = false;
        ValidCount--;
        Pages?.Remove(line);
    }

    /// <summary>Set index and way of a line index (for set/way operations and events).</summary>
    public (int Set, int Way) SetWayOf(int index) => (index / Ways, index % Ways);

    /// <summary>Number of valid lines (tests, statistics).</summary>
    public int ValidLines()
    {
        int n = 0;
        foreach (ulong t in Tags) if (t != InvalidTag) n++;
        return n;
    }

    public override string ToString() => Name;
}
