namespace Arm64Vm.Host.Kvm;

/// <summary>A device range the VMM mapped into stage 2 (H12).</summary>
public sealed record DeviceMapping(ulong Ipa, ulong Size, ulong Pa, bool Writable);

/// <summary>
/// H12: MMIO ranges mapped into stage 2 as Device-nGnRE (kvm_phys_addr_ioremap, as for a GICv2 CPU interface, or the
/// device path of user_mem_abort for a passthrough region). Device memory is not cacheable: no cache maintenance when
/// such a leaf is installed or removed (stage2_pte_cacheable is false), it is never executable, and the re-init unmap
/// of H1 leaves it alone (it unmaps memslots only).
/// </summary>
public sealed partial class Vm
{
    private readonly List<DeviceMapping> _devices = new();

    public IReadOnlyList<DeviceMapping> DeviceMappings => _devices;

    /// <summary>
    /// kvm_phys_addr_ioremap: maps guest-physical [ipa, ipa + size) to host-physical [pa, pa + size) as Device-nGnRE,
    /// read (and write if <paramref name="writable"/>), never executable, page by page, without cache maintenance.
    /// </summary>
    public DeviceMapping MapDeviceRegion(ulong ipa, ulong size, ulong pa, bool writable = true)
    {
        CheckNewRange($"device mapping 0x{ipa:X}+0x{size:X}", ipa, size, pa);
        foreach (var s in _slots)
            if (pa < s.HostPa + s.Size && s.HostPa < pa + size)
                throw new ArgumentException($"device mapping 0x{ipa:X}+0x{size:X}: host 0x{pa:X} is memslot {s.Slot}'s RAM");
        var prot = Stage2Permissions.Read | (writable ? Stage2Permissions.Write : 0);
        for (ulong o = 0; o < size; o += Stage2PageTable.PageSize)
            Stage2.MapPage(ipa + o, pa + o, prot, Stage2PageTable.MemAttrDeviceNGnRE);
        var mapping = new DeviceMapping(ipa, size, pa, writable);
        _devices.Add(mapping);
        Counters.DeviceMappings++;
        Log(HostEventKind.Map, -1, ipa, size, detail: $"device {prot}");
        return mapping;
    }

    /// <summary>The device mapping holding an IPA, or null.</summary>
    public DeviceMapping? FindDeviceMapping(ulong ipa)
    {
        foreach (var d in _devices) if (ipa - d.Ipa < d.Size) return d;
        return null;
    }
}
