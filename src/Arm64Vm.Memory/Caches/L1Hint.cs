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
    public readonly int SetMask;
    private readonly ulong* _tagsAt;
    private readonly LineMeta* _linesAt;
    private readonly ulong* _clocksAt;
    private readonly byte* _dataAt;
    /// <summary>The L1D's statistics.</summary>
    public readonly CacheLevelStatistics Stats;
    /// <summary>The L1D's line TLB while it is attached (Cache.Mru), kept equal to it by the owner (LTLB-1).</summary>
    public LineTlb? Mru;

    public L1Hint(Cache l1d)
    {
        Cache = l1d;
        _tags = l1d.Tags;
        TwoWay = l1d.Ways == 2;
        SetMask = l1d.SetMask;
        _tagsAt = (ulong*)l1d.TagsAddress;
        _linesAt = (LineMeta*)l1d.LinesAddress;
        _clocksAt = (ulong*)l1d.ClocksAddress;
        _dataAt = (byte*)l1d.DataAddress;
        Stats = l1d.Stats;
        Mru = l1d.Mru;
    }

    /// <summary>Index of the line (of set <paramref name="set"/>) in a two-way L1D, or -1 (as <see cref="FindLine2"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int FindLine2Fast(ulong line, int set)
    {
        ulong* t = _tagsAt + set * 2;
        if (t[0] == line) return set * 2;
        return t[1] == line ? set * 2 + 1 : -1;
    }

    /// <summary>The metadata of line index <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref LineMeta LineRef(int index) => ref _linesAt[index];

    /// <summary><see cref="Cache.TouchHit"/> through the pinned addresses (LRU-1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void TouchHit(ref LineMeta m, int set)
    {
        ulong* clock = _clocksAt + set;
        if (m.Stamp != *clock) m.Stamp = ++*clock;
    }

    /// <summary>Byte <paramref name="offset"/> of line index <paramref name="index"/>'s data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref byte DataAt(int index, int offset) =>
        ref *(_dataAt + ((nint)index * CacheConfig.LineSize + offset));

    /// <summary>Predicts the next hit at line index <paramref name="index"/> of <paramref name="cache"/> (ignored unless it is this L1D).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remember(Cache cache, int index)
    {
        if (cache == Cache) _last = index;
    }

    /// <summary>
    /// Index of the line (of set <paramref name="set"/>) in a two-way L1D, or -1. The hint is not used: a two-way set
    /// is scanned as fast as the hint is checked, and the hint is mostly wrong (the CPU's line TLB serves the accesses
    /// to the line touched last, so the ones that come here are for another line). Measured: selecting the way without
    /// a jump (setcc) was slower than these two compares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindLine2(ulong line, int set)
    {
        ref ulong t = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), set * 2);
        if (t == line) return set * 2;
        return Unsafe.Add(ref t, 1) == line ? set * 2 + 1 : -1;
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
