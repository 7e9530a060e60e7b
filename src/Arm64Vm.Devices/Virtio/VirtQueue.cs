using System.Buffers.Binary;

namespace Arm64Vm.Devices.Virtio;

/// <summary>
/// A split virtqueue (virtio 1.2 section 2.7): the descriptor table, the driver area (available ring) and the device
/// area (used ring) in guest RAM, read and written through the device's DMA path. The device consumes available heads
/// in order (VIO-3), follows NEXT chains and, when VIRTIO_F_RING_INDIRECT_DESC was negotiated, one level of indirect
/// table; whatever breaks the ring rules (VIO-4) raises <see cref="VirtqueueException"/> and nothing is consumed past it.
/// </summary>
public sealed class VirtQueue
{
    private const ushort DescNext = 1, DescWrite = 2, DescIndirect = 4;
    private const ushort AvailNoInterrupt = 1;
    private const int DescriptorSize = 16;

    public VirtQueue(ushort maxSize) { MaxSize = maxSize; Reset(); }

    public ushort MaxSize { get; }
    /// <summary>QueueNum: the ring size the driver chose.</summary>
    public ushort Size { get; set; }
    public bool Ready { get; set; }
    public ulong DescriptorTable { get; set; }
    public ulong DriverArea { get; set; }
    public ulong DeviceArea { get; set; }
    /// <summary>The next available-ring index the device will read (free-running, wraps at 2^16).</summary>
    public ushort LastAvailable { get; private set; }
    /// <summary>The used ring's idx as the device last wrote it.</summary>
    public ushort UsedIndex { get; private set; }

    public void Reset()
    {
        Size = MaxSize;
        Ready = false;
        DescriptorTable = DriverArea = DeviceArea = 0;
        LastAvailable = UsedIndex = 0;
    }

    /// <summary>
    /// Serves every available request with <paramref name="serve"/> (given the chain, it returns the bytes written).
    /// Returns true when the driver wants an interrupt for what was used (VIRTQ_AVAIL_F_NO_INTERRUPT clear).
    /// </summary>
    public bool Process(IGuestDma dma, bool indirectAllowed, DescriptorChain chain, Func<DescriptorChain, uint> serve)
    {
        CheckLayout(dma);
        ushort availIdx = ReadU16(dma, DriverArea + 2);
        if ((ushort)(availIdx - LastAvailable) > Size)
            throw new VirtqueueException($"available idx {availIdx} is more than {Size} ahead of {LastAvailable}");
        bool used = false;
        while (LastAvailable != availIdx)
        {
            ushort head = ReadU16(dma, DriverArea + 4 + 2UL * (ulong)(LastAvailable % Size));
            Walk(dma, indirectAllowed, head, chain);
            LastAvailable++;
            uint written = serve(chain);
            PushUsed(dma, head, written);
            used = true;
        }
        return used && (ReadU16(dma, DriverArea) & AvailNoInterrupt) == 0;
    }

    /// <summary>The three areas must be aligned as section 2.7 requires and lie in guest RAM for this queue size.</summary>
    private void CheckLayout(IGuestDma dma)
    {
        ulong n = Size;
        if (Size == 0 || Size > MaxSize) throw new VirtqueueException($"queue size {Size} is not between 1 and {MaxSize}");
        if ((DescriptorTable & 15) != 0 || (DriverArea & 1) != 0 || (DeviceArea & 3) != 0)
            throw new VirtqueueException("a virtqueue area is misaligned");
        if (!dma.Contains(DescriptorTable, DescriptorSize * n) || !dma.Contains(DriverArea, 6 + 2 * n) || !dma.Contains(DeviceArea, 6 + 8 * n))
            throw new VirtqueueException("a virtqueue area is not guest RAM");
    }

    /// <summary>Collects the chain from <paramref name="head"/>: at most Size descriptors (a loop is an error), at most one indirect level.</summary>
    private void Walk(IGuestDma dma, bool indirectAllowed, ushort head, DescriptorChain chain)
    {
        if (head >= Size) throw new VirtqueueException($"head {head} is beyond the queue size {Size}");
        chain.Start(dma, head);
        ulong table = DescriptorTable;
        uint count = Size, index = head, seen = 0;
        bool inIndirect = false;
        Span<byte> d = stackalloc byte[DescriptorSize];
        while (true)
        {
            if (index >= count) throw new VirtqueueException($"descriptor index {index} is beyond its table of {count}");
            if (++seen > count) throw new VirtqueueException("the descriptor chain loops");
            dma.Read(table + DescriptorSize * (ulong)index, d);
            ulong addr = BinaryPrimitives.ReadUInt64LittleEndian(d);
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(d[8..]);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(d[12..]);
            ushort next = BinaryPrimitives.ReadUInt16LittleEndian(d[14..]);
            if ((flags & DescIndirect) != 0)
            {
                // Section 2.7.5.3: the feature must be negotiated, no NEXT beside INDIRECT, no table in a table.
                if (!indirectAllowed) throw new VirtqueueException("an indirect descriptor without VIRTIO_F_RING_INDIRECT_DESC");
                if (inIndirect) throw new VirtqueueException("an indirect descriptor inside an indirect table");
                if ((flags & DescNext) != 0) throw new VirtqueueException("an indirect descriptor with NEXT set");
                if (len == 0 || len % DescriptorSize != 0 || len / DescriptorSize > 0x1_0000)
                    throw new VirtqueueException($"an indirect table of {len} bytes");
                if (!dma.Contains(addr, len)) throw new VirtqueueException($"indirect table 0x{addr:X}+0x{len:X} is not guest RAM");
                table = addr;
                count = len / DescriptorSize;
                index = 0;
                seen = 0;
                inIndirect = true;
                continue;
            }
            chain.Add(addr, len, (flags & DescWrite) != 0);
            if ((flags & DescNext) == 0) return;
            index = next;
        }
    }

    private void PushUsed(IGuestDma dma, ushort head, uint written)
    {
        Span<byte> e = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(e, head);
        BinaryPrimitives.WriteUInt32LittleEndian(e[4..], written);
        dma.Write(DeviceArea + 4 + 8UL * (ulong)(UsedIndex % Size), e);
        UsedIndex++;
        Span<byte> idx = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(idx, UsedIndex);
        dma.Write(DeviceArea + 2, idx);     // the element first, then idx (section 2.7.8.2)
    }

    private static ushort ReadU16(IGuestDma dma, ulong address)
    {
        Span<byte> b = stackalloc byte[2];
        dma.Read(address, b);
        return BinaryPrimitives.ReadUInt16LittleEndian(b);
    }
}
