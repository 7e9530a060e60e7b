namespace Arm64Vm.Memory;

/// <summary>
/// Coherent memory with no caches ("--cache-model off", QEMU's behaviour): every agent sees every write at once.
/// </summary>
public sealed class FlatMemorySystem : IMemorySystem
{
    public FlatMemorySystem(PhysicalMemoryMap map) => Map = map;

    public PhysicalMemoryMap Map { get; }

    public bool AllowsDirectRamAccess(MemoryAttributes attributes, AccessKind kind) => true;

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
