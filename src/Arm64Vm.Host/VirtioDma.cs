using System.Buffers.Binary;
using Arm64Vm.Devices.Virtio;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>
/// The virtio device models' access to guest RAM (VIO-2), by guest-physical address over the VMM's memslots:
/// <see cref="DmaPath.HostCacheable"/> goes through the host's cacheable mapping (Vm.ReadGuest/WriteGuest, what QEMU's
/// device models do under KVM: coherent with the host's caches, so with every cache of the inner shareable domain);
/// <see cref="DmaPath.Poc"/> is a non-coherent bus master (MemoryAgents.NonCoherentDma) that reads and writes memory at
/// the Point of Coherency and never sees a cache: the guest must clean before a device reads and invalidate after it
/// writes, as Linux does for a device its device tree does not call dma-coherent.
/// </summary>
public sealed class VirtioDma(Vm vm, DmaPath path) : IGuestDma
{
    private static readonly MemoryAttributes NonCacheable =
        MemoryAttributes.Normal(Cacheability.NonCacheable, Cacheability.NonCacheable, Shareability.OuterShareable);

    public DmaPath Path => path;

    public bool Contains(ulong address, ulong length) => vm.IsGuestRam(address, length);

    public void Read(ulong address, Span<byte> destination)
    {
        if (path == DmaPath.HostCacheable) { vm.ReadGuest(address, destination); return; }
        var memory = vm.Host.MemorySystem;
        Span<byte> bytes = stackalloc byte[8];
        foreach (var (offset, pa, n) in vm.HostChunks(address, (ulong)destination.Length))
            for (ulong i = 0; i < n;)
            {
                int size = Step(pa + i, n - i);
                memory.TryRead(MemoryAgents.NonCoherentDma, pa + i, size, AccessKind.Read, NonCacheable, out ulong v);
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, v);
                bytes[..size].CopyTo(destination.Slice((int)(offset + i), size));
                i += (ulong)size;
            }
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        if (path == DmaPath.HostCacheable) { vm.WriteGuest(address, source); return; }
        var memory = vm.Host.MemorySystem;
        Span<byte> bytes = stackalloc byte[8];
        foreach (var (offset, pa, n) in vm.HostChunks(address, (ulong)source.Length))
            for (ulong i = 0; i < n;)
            {
                int size = Step(pa + i, n - i);
                bytes.Clear();
                source.Slice((int)(offset + i), size).CopyTo(bytes);
                memory.TryWrite(MemoryAgents.NonCoherentDma, pa + i, size, AccessKind.Write, NonCacheable, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
                i += (ulong)size;
            }
    }

    /// <summary>An aligned doubleword where one fits, else a byte.</summary>
    private static int Step(ulong pa, ulong left) => (pa & 7) == 0 && left >= 8 ? 8 : 1;
}
