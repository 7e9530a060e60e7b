using Arm64Vm.Devices.Virtio;

namespace Arm64Vm.Devices.Tests.Virtio;

/// <summary>
/// A minimal virtio-mmio driver in the style of Linux's virtio_mmio.c and virtio_ring.c: the status handshake, one
/// split queue at fixed addresses, and requests as descriptor chains (direct or through an indirect table).
/// </summary>
internal sealed class VirtioDriver
{
    public const ulong Desc = GuestRam.Base + 0x1000, Avail = GuestRam.Base + 0x3000, Used = GuestRam.Base + 0x4000;
    public const ulong Indirect = GuestRam.Base + 0x6000, Data = GuestRam.Base + 0x10000;
    public const ushort Next = 1, Writable = 2, IndirectFlag = 4;

    public VirtioDriver(IVirtioDevice? device, ushort queueSize = 16, ulong features = 1UL << VirtioIds.Version1 | 1UL << VirtioIds.RingIndirectDesc,
        bool accessPlatform = false)
    {
        Transport = new VirtioMmioTransport(device, Ram, Line, accessPlatform);
        QueueSize = queueSize;
        if (device == null) return;
        Transport.Write(0x070, 4, VirtioIds.Acknowledge | VirtioIds.Driver);
        Transport.Write(0x024, 4, 0); Transport.Write(0x020, 4, (uint)features);
        Transport.Write(0x024, 4, 1); Transport.Write(0x020, 4, (uint)(features >> 32));
        Transport.Write(0x070, 4, VirtioIds.Acknowledge | VirtioIds.Driver | VirtioIds.FeaturesOk);
        Transport.Write(0x030, 4, 0);
        Transport.Write(0x038, 4, queueSize);
        WriteAddress(0x080, Desc); WriteAddress(0x090, Avail); WriteAddress(0x0A0, Used);
        Transport.Write(0x044, 4, 1);
        Transport.Write(0x070, 4, VirtioIds.Acknowledge | VirtioIds.Driver | VirtioIds.FeaturesOk | VirtioIds.DriverOk);
    }

    public GuestRam Ram { get; } = new();
    public RecordingLine Line { get; } = new();
    public VirtioMmioTransport Transport { get; }
    public ushort QueueSize { get; }
    public ushort AvailIdx { get; private set; }
    private ushort _nextDesc;

    public uint Status => (uint)Transport.Read(0x070, 4);
    public bool NeedsReset => (Status & VirtioIds.NeedsReset) != 0;

    private void WriteAddress(int low, ulong address)
    {
        Transport.Write((ulong)low, 4, (uint)address);
        Transport.Write((ulong)low + 4, 4, (uint)(address >> 32));
    }

    /// <summary>Writes descriptor <paramref name="index"/> of the table at <paramref name="table"/>.</summary>
    public void SetDescriptor(ulong table, int index, ulong address, uint length, ushort flags, ushort next)
    {
        ulong d = table + 16UL * (ulong)index;
        Ram.SetU64(d, address); Ram.SetU32(d + 8, length); Ram.SetU16(d + 12, flags); Ram.SetU16(d + 14, next);
    }

    /// <summary>Puts a chain of buffers in the ring (NEXT-linked descriptors from the next free slot) and makes it available.</summary>
    public ushort Submit(params (ulong Address, uint Length, bool Write)[] buffers)
    {
        ushort head = _nextDesc;
        for (int i = 0; i < buffers.Length; i++)
        {
            ushort index = (ushort)((head + i) % QueueSize), next = (ushort)((head + i + 1) % QueueSize);
            var (a, n, w) = buffers[i];
            SetDescriptor(Desc, index, a, n, (ushort)((w ? Writable : 0) | (i + 1 < buffers.Length ? Next : 0)), next);
        }
        _nextDesc = (ushort)((head + buffers.Length) % QueueSize);
        MakeAvailable(head);
        return head;
    }

    /// <summary>The same buffers through an indirect table: one ring descriptor with INDIRECT.</summary>
    public ushort SubmitIndirect(params (ulong Address, uint Length, bool Write)[] buffers)
    {
        for (int i = 0; i < buffers.Length; i++)
        {
            var (a, n, w) = buffers[i];
            SetDescriptor(Indirect, i, a, n, (ushort)((w ? Writable : 0) | (i + 1 < buffers.Length ? Next : 0)), (ushort)(i + 1));
        }
        ushort head = _nextDesc;
        SetDescriptor(Desc, head, Indirect, (uint)(16 * buffers.Length), IndirectFlag, 0);
        _nextDesc = (ushort)((head + 1) % QueueSize);
        MakeAvailable(head);
        return head;
    }

    public void MakeAvailable(ushort head)
    {
        Ram.SetU16(Avail + 4 + 2UL * (ulong)(AvailIdx % QueueSize), head);
        AvailIdx++;
        Ram.SetU16(Avail + 2, AvailIdx);
    }

    public void Notify() => Transport.Write(0x050, 4, 0);

    public ushort UsedIdx => Ram.U16(Used + 2);

    /// <summary>The used element for ring position <paramref name="position"/> (free-running).</summary>
    public (uint Id, uint Length) UsedElement(int position)
    {
        ulong e = Used + 4 + 8UL * (ulong)(position % QueueSize);
        return (Ram.U32(e), Ram.U32(e + 4));
    }
}
