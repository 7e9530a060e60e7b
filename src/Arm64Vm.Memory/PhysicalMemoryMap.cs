namespace Arm64Vm.Memory;

/// <summary>What lives at a physical address.</summary>
public enum PhysicalRegionKind : byte { None, Ram, Mmio }

/// <summary>The machine's physical address map: RAM regions and the MMIO bus.</summary>
public sealed class PhysicalMemoryMap
{
    private Ram[] _rams = Array.Empty<Ram>();

    public PhysicalMemoryMap(int paBits = 40)
    {
        PaBits = paBits;
        Mmio = new MmioBus();
    }

    /// <summary>Implemented physical address size (ID_AA64MMFR0_EL1.PARange).</summary>
    public int PaBits { get; }
    public MmioBus Mmio { get; }
    public IReadOnlyList<Ram> RamRegions => _rams;

    public Ram AddRam(ulong basePa, ulong size)
    {
        foreach (var r in _rams)
            if (basePa < r.EndPa && r.BasePa < basePa + size)
                throw new ArgumentException($"RAM at 0x{basePa:X} overlaps RAM at 0x{r.BasePa:X}");
        var ram = new Ram(basePa, size);
        _rams = _rams.Append(ram).ToArray();
        return ram;
    }

    public Ram? FindRam(ulong pa)
    {
        foreach (var r in _rams) if (r.Contains(pa)) return r;
        return null;
    }

    public PhysicalRegionKind Classify(ulong pa)
    {
        if (FindRam(pa) != null) return PhysicalRegionKind.Ram;
        return Mmio.Find(pa) != null ? PhysicalRegionKind.Mmio : PhysicalRegionKind.None;
    }
}
