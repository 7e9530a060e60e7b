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

    /// <summary>Index of the line in the L1D, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindLine(ulong line)
    {
        // A two-way L1D is scanned as fast as the hint is checked, and the hint is mostly wrong: the CPU's line TLB
        // serves the accesses to the line touched last, so the ones that come here are for another line.
        if (Cache.Ways == 2) return Cache.Find(line);
        if (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tags), _last) == line) return _last;
        int i = Cache.Find(line);
        if (i >= 0) _last = i;
        return i;
    }
}
