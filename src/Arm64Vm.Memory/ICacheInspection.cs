using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Memory;

/// <summary>
/// What the host's tools (the gdb stub, the timeline, the scenario engine) read from a memory system with caches,
/// without naming the concrete model: <see cref="IMemorySystem.Inspection"/> is null for a model without caches.
/// Nothing here changes a line or any guest-visible state, except <see cref="DebugWrite"/> (a debugger's write).
/// </summary>
public interface ICacheInspection
{
    /// <summary>Every cache (data, unified, instruction), for listing a line's copies and per-cache counters.</summary>
    IReadOnlyList<Cache> AllCaches { get; }

    /// <summary>The cache a data read by <paramref name="agent"/> with these attributes would take the line of pa from (null: memory).</summary>
    Cache? DebugSourceOf(int agent, ulong pa, MemoryAttributes attributes);

    /// <summary>The bytes a data read by <paramref name="agent"/> would return now, changing nothing; false when not RAM.</summary>
    bool DebugRead(int agent, ulong pa, Span<byte> destination, MemoryAttributes attributes);

    /// <summary>A debugger's write: into memory and every cached copy, so every agent sees it; false when not RAM.</summary>
    bool DebugWrite(ulong pa, ReadOnlySpan<byte> data);

    /// <summary>Dirty lines per level of data or unified cache ("L1D", "L2", ...), summed over the caches of that level.</summary>
    IReadOnlyDictionary<string, long> DirtyLinesPerLevel();

    /// <summary>Starts recording reads that return stale data (the scenario engine's detector).</summary>
    StaleReadLog EnableStaleReadDetection();
}
