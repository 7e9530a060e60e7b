using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// A CPU's L1D plus the index of the line it last hit (MRU way prediction). Consecutive accesses usually stay in one
/// line, so the hit path compares one tag instead of scanning the set. Only a hint: it is checked against the line's tag
/// every time, so nothing has to update it when the line is evicted, invalidated or replaced.
/// </summary>
internal struct L1Hint
{
    public readonly Cache Cache;
    private readonly ulong[] _tags;
    private int _last;

    public L1Hint(Cache l1d)
    {
        Cache = l1d;
        _tags = l1d.Tags;
    }

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
