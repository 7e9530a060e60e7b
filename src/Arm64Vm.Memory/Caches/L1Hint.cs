using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// A CPU's L1D plus the index of the line it last hit (MRU way prediction). Consecutive accesses usually stay in one
/// line, so the hit path compares one tag instead of scanning the set. Only a hint: it is checked against the line's tag
/// every time, so nothing has to update it when the line is evicted, invalidated or replaced.
/// </summary>
internal unsafe struct L1Hint
{
    public readonly Cache Cache;
    private readonly ulong[] _tags;
    private int _last;

    // The two-way hit path's view of the L1D (TryRead/TryWrite): the pinned arrays' addresses and the values it needs,
    // all in this one struct, so a hit makes no loads through the Cache object.
    /// <summary>Cache.Ways == 2.</summary>
    public readonly bool TwoWay;
    /// <summary>TwoWay and DIC = 0: write hits need not tell code observers (TryWrite's inline path).</summary>
    public readonly bool TwoWayWrites;
    /// <summary>The L1D's set mask times two: line * 2 masked by it is the index of way 0 of the line's set.</summary>
    private readonly nuint _way0Mask;
    /// <summary>
    /// The tags the read hit path compares: the L1D's when <see cref="TwoWay"/>, else <see cref="NoTags"/>, so that
    /// path needs no test of its own for other geometries (it always misses; the miss path then checks TwoWay).
    /// </summary>
    private readonly ulong* _tagsAt;
    /// <summary>The tags the write hit path compares: the L1D's when <see cref="TwoWayWrites"/>, else <see cref="NoTags"/>.</summary>
    private readonly ulong* _writeTagsAt;
    /// <summary>The pinned array behind the stand-in tags (kept referenced so it lives as long as the hint).</summary>
    private readonly ulong[]? _noTags;
    private readonly LineMeta* _linesAt;
    private readonly ulong* _clocksAt;
    private readonly byte* _dataAt;
    /// <summary>The L1D's statistics.</summary>
    public readonly CacheLevelStatistics Stats;
    /// <summary>
    /// The L1D's line TLB while it is attached (Cache.Mru), else the owner's sink that nobody takes offers from; kept so
    /// by the owner (LTLB-1).
    /// </summary>
    public LineTlb Mru;

    public L1Hint(Cache l1d, LineTlb offerSink, bool dic = false)
    {
        Cache = l1d;
        _tags = l1d.Tags;
        TwoWay = l1d.Ways == 2;
        TwoWayWrites = TwoWay && !dic;
        _way0Mask = (nuint)l1d.SetMask * 2;
        _noTags = TwoWayWrites ? null : NoTags(l1d.Sets);
        ulong* none = _noTags == null ? null : (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_noTags));
        _tagsAt = TwoWay ? (ulong*)l1d.TagsAddress : none;
        _writeTagsAt = TwoWayWrites ? (ulong*)l1d.TagsAddress : none;
        _linesAt = (LineMeta*)l1d.LinesAddress;
        _clocksAt = (ulong*)l1d.ClocksAddress;
        _dataAt = (byte*)l1d.DataAddress;
        Stats = l1d.Stats;
        Mru = l1d.Mru ?? offerSink;
    }

    /// <summary>
    /// Two invalid tags per set of an L1D of <paramref name="sets"/> sets (pinned, never written): no line matches
    /// them, as no line address is <see cref="Cache.InvalidTag"/>.
    /// </summary>
    private static ulong[] NoTags(int sets)
    {
        var tags = GC.AllocateArray<ulong>(sets * 2, pinned: true);
        Array.Fill(tags, Cache.InvalidTag);
        return tags;
    }

    /// <summary>
    /// Whether a two-way L1D holds the line, and its index (two compares, no use of the hint: a two-way set is scanned
    /// as fast as the hint is checked, and the hint is mostly wrong here); false for any line when the
    /// L1D is not two-way (the caller's miss path checks <see cref="TwoWay"/>). Shaped so that a caller's miss branch
    /// is the compare's own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryFindLine2(ulong line, out nuint index) => Find2(_tagsAt, line, out index);

    /// <summary><see cref="TryFindLine2"/> for the write hit path: false for any line unless <see cref="TwoWayWrites"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryFindLine2ForWrite(ulong line, out nuint index) => Find2(_writeTagsAt, line, out index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool Find2(ulong* tags, ulong line, out nuint index)
    {
        index = (nuint)(line * 2) & _way0Mask;
        if (tags[index] == line) return true;
        index++;
        return tags[index] == line;
    }

    /// <summary>The L1D's line metadata (pinned), indexed like its tags.</summary>
    public readonly LineMeta* Lines
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _linesAt;
    }

    /// <summary>
    /// <see cref="Cache.TouchHit"/> through the pinned addresses (LRU-1); whether the LRU order changed (the line was not
    /// already the most recently used of its set), which ends the line TLB's entry of the set's slot (LTLB-1, LTLB-5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TouchHit(LineMeta* lines, nuint index)
    {
        // In a two-way set the line touched last (stamp = the set's clock) is the one whose stamp is the larger: stamps
        // are only ever set to a new value of their set's clock, so the clock is the largest stamp of its set, held by
        // one line (a valid line has been stamped, so its stamp is above the 0 of a never-stamped way).
        nuint size = (nuint)sizeof(LineMeta), at = index * size;
        // The other way's metadata, index ^ 1: for a power-of-two size (a JIT-time constant) the byte offset xor size.
        nuint other = (size & (size - 1)) == 0 ? at ^ size : (index ^ 1) * size;
        LineMeta* m = (LineMeta*)((byte*)lines + at);
        if (m->Stamp > ((LineMeta*)((byte*)lines + other))->Stamp) return false;
        ulong* clock = _clocksAt + index / 2;     // the set of a two-way index
        m->Stamp = ++*clock;
        return true;
    }

    /// <summary>Byte <paramref name="offset"/> of line index <paramref name="index"/>'s data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref byte DataAt(nuint index, nuint offset) => ref *(_dataAt + index * CacheConfig.LineSize + offset);

    /// <summary>Predicts the next hit at line index <paramref name="index"/> of <paramref name="cache"/> (ignored unless it is this L1D).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remember(Cache cache, int index)
    {
        if (cache == Cache) _last = index;
    }

    /// <summary>Index of the line in an L1D of any number of ways, or -1: the hint first, then the set.</summary>
    public int FindLine(ulong line)
    {
        if (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), _last) == line) return _last;
        int i = Cache.Find(line);
        if (i >= 0) _last = i;
        return i;
    }
}
