namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// How a DMA-capable device model reaches guest RAM by guest-physical address (VIO-2). The VMM implements it over its
/// memslots: through the host's cacheable mapping (QEMU's device models under KVM) or straight to memory at the Point
/// of Coherency (a non-coherent master). The device models validate every range a guest hands them with
/// <see cref="Contains"/> before they touch it, so a hostile address never reaches the copy methods.
/// </summary>
public interface IGuestDma
{
    /// <summary>True when [address, address + length) is guest RAM.</summary>
    bool Contains(ulong address, ulong length);

    void Read(ulong address, Span<byte> destination);

    void Write(ulong address, ReadOnlySpan<byte> source);
}
