using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Memory;

/// <summary>
/// Coherent memory with no caches ("--cache-model off", QEMU's behaviour): every agent sees every write at once.
/// </summary>
public sealed class FlatMemorySystem : IMemorySystem
{
    public FlatMemorySystem(PhysicalMemoryMap map, CacheConfig? caches = null)
    {
        Map = map;
        Caches = caches ?? CacheConfig.CortexA57();
    }

    public PhysicalMemoryMap Map { get; }

    /// <summary>The hierarchy the ID registers report; nothing is modelled, so any maintenance is correct.</summary>
    public CacheConfig Caches { get; }

    public bool FetchThroughModel => false;

    /// <summary>Code is coherent here: RAM's code-write events already invalidate pre-decoded code.</summary>
    public void AttachInstructionObserver(int agent, Action<ulong, int> bytesMayHaveChanged) { }

    // Cache maintenance: memory is coherent, so the operations only had their permission checks (done by the caller).
    public void MaintainByAddress(int agent, CacheMaintenanceOp op, ulong pa, MemoryAttributes attributes) { }
    public void MaintainBySetWay(int agent, CacheMaintenanceOp op, int level, int set, int way) { }
    public void InvalidateInstructionCaches(int agent, bool broadcast) { }
    public void Barrier(int agent, MemoryBarrierKind kind) { }

    public bool ZeroBlock(int agent, ulong pa, int size, MemoryAttributes attributes)
    {
        for (int off = 0; off < size; off += 8)
            if (!TryWrite(agent, pa + (ulong)off, 8, AccessKind.Write, attributes, 0)) return false;
        return true;
    }

    public bool AllowsDirectRamAccess(Ram ram, ulong paPage, MemoryAttributes attributes, AccessKind kind) => true;

    /// <summary>Nothing is counted without a cache model.</summary>
    public void AttachDirectAccessCounter(int agent, IDirectAccessCounter counter) { }

    public CacheStatistics? Statistics => null;

    public bool TryRead(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, out ulong value)
    {
        var ram = Map.FindRam(pa);
        if (ram != null && ram.Contains(pa, (ulong)size))
        {
            value = ram.ReadRaw(pa, size);
            return true;
        }
        var region = Map.Mmio.Find(pa);
        if (region != null)
        {
            value = region.Device.Read(pa - region.Base, size);
            return true;
        }
        value = 0;
        return false;
    }

    public bool TryWrite(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attributes, ulong value)
    {
        var ram = Map.FindRam(pa);
        if (ram != null && ram.Contains(pa, (ulong)size))
        {
            ram.WriteRaw(pa, size, value);
            ram.NoteWrite(pa, size);
            return true;
        }
        var region = Map.Mmio.Find(pa);
        if (region != null)
        {
            region.Device.Write(pa - region.Base, size, value);
            return true;
        }
        return false;
    }
}
