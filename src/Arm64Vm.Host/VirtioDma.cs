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
        Span<byte> bytes = stackalloc byte[8];
        foreach (var (pa, offset, size) in PocPieces(address, destination.Length))
        {
            vm.Host.MemorySystem.TryRead(MemoryAgents.NonCoherentDma, pa, size, AccessKind.Read, NonCacheable, out ulong v);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, v);
            bytes[..size].CopyTo(destination.Slice(offset, size));
        }
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        if (path == DmaPath.HostCacheable) { vm.WriteGuest(address, source); return; }
        Span<byte> bytes = stackalloc byte[8];
        foreach (var (pa, offset, size) in PocPieces(address, source.Length))
        {
            bytes.Clear();
            source.Slice(offset, size).CopyTo(bytes);
            vm.Host.MemorySystem.TryWrite(MemoryAgents.NonCoherentDma, pa, size, AccessKind.Write, NonCacheable, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        }
    }

    /// <summary>The host-physical accesses of a PoC transfer: aligned doublewords where they fit, else bytes.</summary>
    private IEnumerable<(ulong Pa, int Offset, int Size)> PocPieces(ulong address, int length)
    {
        foreach (var (offset, pa, n) in vm.HostChunks(address, (ulong)length))
            for (ulong i = 0; i < n;)
            {
                int size = Step(pa + i, n - i);
                yield return (pa + i, (int)(offset + i), size);
                i += (ulong)size;
            }
    }

    /// <summary>An aligned doubleword where one fits, else a byte.</summary>
    private static int Step(ulong pa, ulong left) => (pa & 7) == 0 && left >= 8 ? 8 : 1;
}
