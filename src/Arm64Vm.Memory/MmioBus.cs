namespace Arm64Vm.Memory;

/// <summary>A device register block on the MMIO bus. Offsets are relative to the region base.</summary>
public interface IMmioDevice
{
    string Name { get; }
    ulong Read(ulong offset, int size);
    void Write(ulong offset, int size, ulong value);
}

/// <summary>An MMIO region: [Base, Base+Size) handled by Device.</summary>
public sealed record MmioRegion(ulong Base, ulong Size, IMmioDevice Device)
{
    public bool Contains(ulong pa) => pa - Base < Size;
}

/// <summary>The MMIO part of the physical address map. Lookups are rare (slow path only), so a sorted list suffices.</summary>
public sealed class MmioBus
{
    private MmioRegion[] _regions = Array.Empty<MmioRegion>();

    public IReadOnlyList<MmioRegion> Regions => _regions;

    public void Add(ulong basePa, ulong size, IMmioDevice device)
    {
        foreach (var r in _regions)
            if (basePa < r.Base + r.Size && r.Base < basePa + size)
                throw new ArgumentException($"MMIO region {device.Name} at 0x{basePa:X} overlaps {r.Device.Name} at 0x{r.Base:X}");
        _regions = _regions.Append(new MmioRegion(basePa, size, device)).OrderBy(r => r.Base).ToArray();
    }

    public MmioRegion? Find(ulong pa)
    {
        foreach (var r in _regions) if (r.Contains(pa)) return r;
        return null;
    }
}
