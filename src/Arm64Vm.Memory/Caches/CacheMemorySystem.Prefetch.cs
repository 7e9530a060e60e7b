using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// Host prefetch hints for a CPU's next L1D miss. A model whose L2 is as large as the host's own caches spends most of
/// an L1 miss waiting for host memory: the L2 tag set, the L2 data and metadata of the line, and the L2 slot that the
/// L1 victim's dirty data goes to. A guest that misses on line n usually misses on line n + 1 next (copies, memset,
/// streaming reads), so each miss asks the host to fetch what that next miss will touch. Only hints: nothing of the
/// model changes (no LRU update, no pseudo-random draw, no statistic), so every cache state stays exactly as without them.
/// </summary>
public sealed partial class CacheMemorySystem
{
    /// <summary>
    /// After a miss of <paramref name="l1"/> on <paramref name="line"/>: the L2 tag of line + 2's predicted way (for
    /// the lookup the next miss makes here, <see cref="Cache.FindPredicted"/>), and for line + 1 its L2 data and
    /// metadata when the L2 holds it and the L2 slot of the L1 line that would be evicted for it when that line is dirty.
    /// </summary>
    private void PrefetchNextMiss(Cache l1, ulong line)
    {
        if (!Sse.IsSupported) return;
        var l2 = l1.Parent;
        if (l2 == null) return;
        l2.PrefetchPredicted(line + 2);
        ulong next = line + 1;
        int j = HostShortcuts ? l2.FindPredicted(next) : l2.Find(next);     // predicts the way FillPath looks at next
        if (j >= 0) l2.PrefetchLine(j);
        int v = l1.PeekLruVictim(next);
        if (v < 0) return;
        ref var m = ref l1.LineRef(v);
        if (m.State == LineState.Dirty && m.ParentIndex >= 0) l2.PrefetchLine(m.ParentIndex);
    }
}

/// <summary>The prefetch side of <see cref="Cache"/> (host hints only, see <see cref="CacheMemorySystem"/>).</summary>
public sealed partial class Cache
{
    /// <summary>
    /// Asks the host to bring the tag of the way <see cref="FindPredicted"/> would compare first for
    /// <paramref name="line"/> into its caches (unchecked: a way that holds another line only wastes the hint).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchPredicted(ulong line)
    {
        int b = ((int)line & SetMask) * Ways;
        int i = b + Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_wayOf), (int)line & _wayOfMask);
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), i)));
    }

    /// <summary>Asks the host to bring line index <paramref name="index"/>'s tag, metadata and data into its caches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchLine(int index)
    {
        // Indices come from this cache (no bounds checks).
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), index)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Lines), index)));
        Sse.Prefetch0(Unsafe.AsPointer(ref DataRef(index)));     // one host line: line data is 64-byte aligned
    }

    /// <summary>
    /// The way <see cref="ChooseVictim"/> would pick for <paramref name="line"/> under LRU replacement, without
    /// changing anything; -1 for pseudo-random replacement (its draw must not be consumed) or when a way is free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int PeekLruVictim(ulong line)
    {
        if (!_lru) return -1;
        int b = ((int)line & SetMask) * Ways;
        return FreeWay(b) >= 0 ? -1 : LruWay(b);
    }
}
