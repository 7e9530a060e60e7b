using System.Buffers.Binary;
using Arm64Vm.Devices.Virtio;

namespace Arm64Vm.Devices.Tests.Virtio;

/// <summary>Guest RAM for the device models: a byte array at <see cref="Base"/>; anything else is not RAM.</summary>
internal sealed class GuestRam(int size = 1 << 20) : IGuestDma
{
    public const ulong Base = 0x4000_0000;
    public byte[] Bytes { get; } = new byte[size];

    public bool Contains(ulong address, ulong length) =>
        address >= Base && address - Base <= (ulong)Bytes.Length && length <= (ulong)Bytes.Length - (address - Base);

    public void Read(ulong address, Span<byte> destination)
    {
        Assert(address, destination.Length);
        Bytes.AsSpan((int)(address - Base), destination.Length).CopyTo(destination);
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        Assert(address, source.Length);
        source.CopyTo(Bytes.AsSpan((int)(address - Base)));
    }

    /// <summary>A device that copies outside RAM skipped its validation: fail the test loudly.</summary>
    private void Assert(ulong address, int length)
    {
        if (!Contains(address, (ulong)length)) throw new InvalidOperationException($"DMA outside guest RAM: 0x{address:X}+{length}");
    }

    public Span<byte> At(ulong address, int length) => Bytes.AsSpan((int)(address - Base), length);
    public ushort U16(ulong address) => BinaryPrimitives.ReadUInt16LittleEndian(At(address, 2));
    public uint U32(ulong address) => BinaryPrimitives.ReadUInt32LittleEndian(At(address, 4));
    public void SetU16(ulong address, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(At(address, 2), v);
    public void SetU32(ulong address, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(At(address, 4), v);
    public void SetU64(ulong address, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(At(address, 8), v);
}
