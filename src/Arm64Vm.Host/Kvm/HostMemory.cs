using System.Buffers.Binary;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// The host kernel's own accesses to physical memory: plain loads and stores through the host CPU's caches (Normal
/// write-back, inner shareable — what the linear map gives Linux), and the cache maintenance KVM issues by address
/// (dcache_clean_inval_poc, icache_inval_pou, and IC IALLUIS). Each operation is counted so strategies can be
/// compared; nothing here bypasses the memory system, so the host's writes really can sit dirty in its cache.
/// </summary>
public sealed class HostMemory
{
    private static readonly MemoryAttributes HostAttributes = MemoryAttributes.NormalWriteBackInnerShareable;
    private readonly IMemorySystem _memory;
    private readonly HostCounters _counters;
    private readonly int _lineSize;

    public HostMemory(IMemorySystem memory, HostCounters counters)
    {
        _memory = memory;
        _counters = counters;
        _lineSize = 1 << CacheConfig.LineShift;
    }

    public IMemorySystem MemorySystem => _memory;
    public int LineSize => _lineSize;

    public ulong Read64(ulong pa)
    {
        if (!_memory.TryRead(MemoryAgents.Host, pa, 8, AccessKind.Read, HostAttributes, out ulong v))
            throw new InvalidOperationException($"host read of unbacked physical address 0x{pa:X}");
        return v;
    }

    public void Write64(ulong pa, ulong value)
    {
        if (!_memory.TryWrite(MemoryAgents.Host, pa, 8, AccessKind.Write, HostAttributes, value))
            throw new InvalidOperationException($"host write to unbacked physical address 0x{pa:X}");
    }

    /// <summary>Copies bytes to physical memory through the host's cache (memcpy in the VMM).</summary>
    public void Write(ulong pa, ReadOnlySpan<byte> data)
    {
        int i = 0;
        while (i < data.Length)
        {
            ulong a = pa + (ulong)i;
            if ((a & 7) == 0 && data.Length - i >= 8)
            {
                Write64(a, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
                i += 8;
            }
            else
            {
                if (!_memory.TryWrite(MemoryAgents.Host, a, 1, AccessKind.Write, HostAttributes, data[i]))
                    throw new InvalidOperationException($"host write to unbacked physical address 0x{a:X}");
                i++;
            }
        }
    }

    public void Fill(ulong pa, ulong size, byte value)
    {
        ulong pattern = value * 0x0101_0101_0101_0101UL;
        for (ulong o = 0; o < size;)
        {
            ulong a = pa + o;
            if ((a & 7) == 0 && size - o >= 8) { Write64(a, pattern); o += 8; }
            else
            {
                _memory.TryWrite(MemoryAgents.Host, a, 1, AccessKind.Write, HostAttributes, value);
                o++;
            }
        }
    }

    public void Read(ulong pa, Span<byte> destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            ulong a = pa + (ulong)i;
            if ((a & 7) == 0 && destination.Length - i >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], Read64(a));
                i += 8;
                continue;
            }
            if (!_memory.TryRead(MemoryAgents.Host, a, 1, AccessKind.Read, HostAttributes, out ulong v))
                throw new InvalidOperationException($"host read of unbacked physical address 0x{a:X}");
            destination[i++] = (byte)v;
        }
    }

    /// <summary>dcache_clean_inval_poc over [pa, pa + size) followed by DSB: returns the lines maintained.</summary>
    public long CleanInvalidateToPoc(ulong pa, ulong size)
    {
        long before = DirtyBytesWrittenBack();
        long lines = 0;
        ulong end = pa + size;
        for (ulong a = pa & ~(ulong)(_lineSize - 1); a < end; a += (ulong)_lineSize, lines++)
            _memory.MaintainByAddress(MemoryAgents.Host, CacheMaintenanceOp.DcCivac, a, HostAttributes);
        _memory.Barrier(MemoryAgents.Host, MemoryBarrierKind.Dsb);
        _counters.LinesCleanedInvalidated += lines;
        _counters.DirtyBytesWrittenBack += DirtyBytesWrittenBack() - before;
        return lines;
    }

    /// <summary>icache_inval_pou over [pa, pa + size) (IC IVAU per line, DSB, ISB): returns the lines invalidated.</summary>
    public long InvalidateIcacheToPou(ulong pa, ulong size)
    {
        long lines = 0;
        ulong end = pa + size;
        for (ulong a = pa & ~(ulong)(_lineSize - 1); a < end; a += (ulong)_lineSize, lines++)
            _memory.MaintainByAddress(MemoryAgents.Host, CacheMaintenanceOp.IcIvau, a, HostAttributes);
        _memory.Barrier(MemoryAgents.Host, MemoryBarrierKind.Dsb);
        _counters.IcacheInvalidations++;
        _counters.IcacheLinesInvalidated += lines;
        return lines;
    }

    /// <summary>IC IALLUIS + DSB: every instruction cache of the inner shareable domain.</summary>
    public void InvalidateAllIcaches()
    {
        _memory.InvalidateInstructionCaches(MemoryAgents.Host, broadcast: true);
        _memory.Barrier(MemoryAgents.Host, MemoryBarrierKind.Dsb);
        _counters.IcacheInvalidations++;
    }

    private long DirtyBytesWrittenBack() =>
        _memory.Statistics?.For(CacheMaintenanceOp.DcCivac).DirtyBytesWrittenBack ?? 0;
}
