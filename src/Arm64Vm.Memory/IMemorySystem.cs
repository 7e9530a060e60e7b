namespace Arm64Vm.Memory;

/// <summary>
/// The memory system as seen by every agent (a CPU, the host layer, a DMA master): physical requests that carry
/// their size, intent and effective attributes. The flat implementation serves them coherently; the cache model
/// implements the same interface and may answer differently, exactly where the architecture allows.
/// </summary>
public interface IMemorySystem
{
    PhysicalMemoryMap Map { get; }

    /// <summary>
    /// True when accesses of this kind with these attributes may bypass the memory system and touch RAM directly
    /// (the TLB's fast path). The flat model says yes for every RAM access; a cache model says no for what it tracks.
    /// </summary>
    bool AllowsDirectRamAccess(MemoryAttributes attributes, AccessKind kind);

    /// <summary>Reads 1, 2, 4 or 8 naturally contained bytes. False when nothing answers at pa (external abort).</summary>
    bool TryRead(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, out ulong value);

    /// <summary>Writes 1, 2, 4 or 8 bytes. False when nothing answers at pa (external abort).</summary>
    bool TryWrite(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, ulong value);
}
