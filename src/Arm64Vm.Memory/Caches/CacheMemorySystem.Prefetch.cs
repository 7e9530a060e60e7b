using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// Host prefetch hints for a CPU's next L1D miss. A model whose L2 is as large as the host's own caches spends much of
/// an L1 miss waiting for host memory, mostly for the L2 tag and the L2 data of the line. A guest that misses on line n
/// usually misses on line n + 1 next (copies, memset, streaming reads), so each miss asks the host for the tag and data
/// of line n + 1's predicted L2 way: one table load and two prefetches, no lookup. (Hints that also looked line n + 1
/// up, and found the L1 victim's L2 slot, cost more in their own loads than they hid: L1MissLine 27 -> 21 ns and
/// copy-loop-mmu 94 -> 102 MIPS without them.) Only hints: nothing of the model changes (no LRU update, no
/// pseudo-random draw, no statistic), so every cache state stays exactly as without them.
/// </summary>
public sealed partial class CacheMemorySystem
{
    /// <summary>
    /// After a miss of <paramref name="l1"/> on <paramref name="line"/>: the L2 tag and data of line + 1's predicted way
    /// (the way <see cref="Cache.FindPredicted"/> compares first), which the next miss reads when it streams on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNextMiss(Cache l1, ulong line)
    {
        if (!Sse.IsSupported) return;
        l1.Parent?.PrefetchPredictedLine(line + 1);
    }
}

/// <summary>The prefetch side of <see cref="Cache"/> (host hints only, see <see cref="CacheMemorySystem"/>).</summary>
public sealed partial class Cache
{
    /// <summary>
    /// Asks the host to bring the tag and the data of the way <see cref="FindPredicted"/> would compare first for
    /// <paramref name="line"/> into its caches (unchecked: a way that holds another line only wastes the hint).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchPredictedLine(ulong line)
    {
        int i = ((int)line & SetMask) * Ways + Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_wayOf), (int)line & _wayOfMask);
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Tags), i)));
        Sse.Prefetch0(Unsafe.AsPointer(ref DataRef(i)));     // one host line: line data is 64-byte aligned
    }
}
