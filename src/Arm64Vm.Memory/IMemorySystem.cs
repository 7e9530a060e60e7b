using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Memory;

/// <summary>
/// The memory system as seen by every agent (a CPU, the host layer, a DMA master): physical requests that carry
/// their size, intent and effective attributes. The flat implementation serves them coherently; the cache model
/// implements the same interface and may answer differently, exactly where the architecture allows.
/// </summary>
public interface IMemorySystem
{
    PhysicalMemoryMap Map { get; }

    /// <summary>The caches, for the host's tools to inspect (null: a model without caches).</summary>
    ICacheInspection? Inspection => null;

    /// <summary>
    /// True when a CPU's naturally aligned accesses of this kind with these attributes to the RAM page
    /// <paramref name="paPage"/> may bypass the memory system and touch RAM directly (the TLB's fast path), counting
    /// themselves in the CPU's <see cref="IDirectAccessCounter"/>. The flat model says yes for every RAM access. The
    /// cache model says yes only for Non-cacheable and Device accesses to a page no cache holds a line of, and watches
    /// the page: when it gets its first cached line, <see cref="Ram.PageCached"/> tells the TLBs to drop the entry.
    /// </summary>
    bool AllowsDirectRamAccess(Ram ram, ulong paPage, MemoryAttributes attributes, AccessKind kind);

    /// <summary>
    /// Registers the counter of accesses CPU <paramref name="agent"/> made directly in RAM, which the statistics of
    /// the memory system include as if they had been requests (the flat model keeps no statistics).
    /// </summary>
    void AttachDirectAccessCounter(int agent, IDirectAccessCounter counter);

    /// <summary>
    /// The line TLB of CPU <paramref name="agent"/> (specs/coherence-invariants.md, LTLB-1), or null when the memory
    /// system has none (the flat model: its TLB fast path already goes straight to RAM).
    /// </summary>
    LineTlb? LineTlbOf(int agent) => null;

    /// <summary>The counters of the cache model, or null for a memory system without caches.</summary>
    CacheStatistics? Statistics { get; }

    /// <summary>Reads 1, 2, 4 or 8 naturally contained bytes. False when nothing answers at pa (external abort).</summary>
    bool TryRead(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, out ulong value);

    /// <summary>Writes 1, 2, 4 or 8 bytes. False when nothing answers at pa (external abort).</summary>
    bool TryWrite(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, ulong value);

    // ---------------- Caches: identification, maintenance, barriers, instruction side ----------------

    /// <summary>The cache hierarchy the ID registers (CTR_EL0, CLIDR_EL1, CCSIDR_EL1) describe.</summary>
    CacheConfig Caches { get; }

    /// <summary>
    /// True when instruction bytes must be read with <c>TryRead(..., AccessKind.Fetch, ...)</c> and pre-decoded code
    /// kept per agent, invalidated only through <see cref="AttachInstructionObserver"/> and RAM code-write events.
    /// False: instruction bytes are read from RAM directly and code is coherent with every write.
    /// </summary>
    bool FetchThroughModel { get; }

    /// <summary>
    /// Registers the callback that is told (pa, length) when what this agent's instruction fetches return for those
    /// bytes may have changed (an instruction-cache line left the agent's cache, or with DIC a data write landed).
    /// </summary>
    void AttachInstructionObserver(int agent, Action<ulong, int> bytesMayHaveChanged);

    /// <summary>DC CIVAC/CVAC/IVAC/CVAU/CVAP and IC IVAU on the line holding pa, with the scope of its attributes. Permission checks are the caller's.</summary>
    void MaintainByAddress(int agent, CacheMaintenanceOp op, ulong pa, MemoryAttributes attributes);

    /// <summary>DC ISW/CSW/CISW on this agent's cache at <paramref name="level"/> (1-based), one set and way.</summary>
    void MaintainBySetWay(int agent, CacheMaintenanceOp op, int level, int set, int way);

    /// <summary>IC IALLU (this agent) or IC IALLUIS (broadcast to the inner shareable domain).</summary>
    void InvalidateInstructionCaches(int agent, bool broadcast);

    /// <summary>DC ZVA: writes zeros to [pa, pa + size), size a power of two and pa aligned to it. False if nothing answers.</summary>
    bool ZeroBlock(int agent, ulong pa, int size, MemoryAttributes attributes);

    /// <summary>A barrier executed by an agent.</summary>
    void Barrier(int agent, MemoryBarrierKind kind);
}
