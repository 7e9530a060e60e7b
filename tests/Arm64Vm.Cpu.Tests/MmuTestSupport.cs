using Arm64Vm.Memory;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Descriptor bits for building translation tables in tests (Arm ARM D8.3).</summary>
public static class Desc
{
    public const ulong Valid = 1, Table = 3, Page = 3, Block = 1;
    public const ulong AF = 1UL << 10, NG = 1UL << 11, PXN = 1UL << 53, UXN = 1UL << 54, XN = 1UL << 54;
    public static ulong Ap(int ap) => (ulong)(ap & 3) << 6;
    public static ulong AttrIndx(int i) => (ulong)(i & 7) << 2;
    public static ulong Sh(int sh) => (ulong)(sh & 3) << 8;
    /// <summary>Stage 2: MemAttr[3:0] and S2AP (bit 0 read, bit 1 write).</summary>
    public static ulong MemAttr(int m) => (ulong)(m & 15) << 2;
    public static ulong S2Ap(int ap) => (ulong)(ap & 3) << 6;
    /// <summary>A normal RW EL1-only stage-1 leaf: AttrIndx 0, ISH, AF.</summary>
    public const ulong Kernel = AF | (3UL << 8);
    /// <summary>A stage-2 leaf: Normal WB (MemAttr 1111), read/write, ISH, AF.</summary>
    public const ulong S2Normal = AF | (3UL << 8) | (0xFUL << 2) | (3UL << 6);
}

/// <summary>
/// Builds VMSAv8-64 translation tables (stage 1 or stage 2, 4K/16K/64K granule) in harness RAM from C#. Tables are
/// bump-allocated from a pool, zeroed, aligned to their size; the start level and the number of entries of the
/// first table come from the input size (stage 1) or are given (stage 2, possibly concatenated).
/// </summary>
public sealed class PageTableBuilder
{
    private readonly Ram _ram;
    private readonly Func<ulong, ulong> _alloc;

    public PageTableBuilder(Ram ram, Func<ulong, ulong> alloc, int pageShift, int inputSize, int? startLevel = null)
    {
        _ram = ram;
        _alloc = alloc;
        PageShift = pageShift;
        Stride = pageShift - 3;
        StartLevel = startLevel ?? 4 - (inputSize - 4) / Stride;
        StartIndexBits = inputSize - (pageShift + Stride * (3 - StartLevel));
        Root = Allocate(8UL << StartIndexBits);
    }

    public int PageShift { get; }
    public int Stride { get; }
    public int StartLevel { get; }
    public int StartIndexBits { get; }
    public ulong Root { get; }

    /// <summary>Size mapped by one entry at a level.</summary>
    public ulong LevelSize(int level) => 1UL << (PageShift + Stride * (3 - level));

    private ulong Allocate(ulong size)
    {
        ulong a = _alloc(Math.Max(size, 1UL << PageShift));
        _ram.Span(a, (int)Math.Max(size, 8)).Clear();
        return a;
    }

    private int IndexBits(int level) => level == StartLevel ? StartIndexBits : Stride;

    /// <summary>Physical address of the descriptor for <paramref name="va"/> at <paramref name="level"/>, creating tables on the way.</summary>
    public ulong EntryAddress(ulong va, int level, bool create = true)
    {
        ulong table = Root;
        for (int l = StartLevel; ; l++)
        {
            int shift = PageShift + Stride * (3 - l);
            ulong entry = table + ((va >> shift) & ((1UL << IndexBits(l)) - 1)) * 8;
            if (l == level) return entry;
            ulong d = _ram.ReadRaw(entry, 8);
            if ((d & 3) != 3)
            {
                if (!create) return 0;
                ulong next = Allocate(1UL << PageShift);
                d = next | Desc.Table;
                _ram.WriteRaw(entry, 8, d);
            }
            table = d & 0x0000_FFFF_FFFF_F000UL & ~((1UL << PageShift) - 1);
        }
    }

    /// <summary>Maps a page (level 3) or a block (level &lt; 3) with the given attribute bits.</summary>
    public void Map(ulong va, ulong pa, int level, ulong attrs)
    {
        ulong entry = EntryAddress(va, level);
        _ram.WriteRaw(entry, 8, pa | attrs | (level == 3 ? Desc.Page : Desc.Block));
    }

    public void MapPage(ulong va, ulong pa, ulong attrs) => Map(va, pa, 3, attrs);

    /// <summary>Maps [va, va+size) with the largest aligned mappings of <paramref name="level"/> or finer.</summary>
    public void MapRange(ulong va, ulong pa, ulong size, int level, ulong attrs)
    {
        ulong step = LevelSize(level);
        for (ulong off = 0; off < size; off += step) Map(va + off, pa + off, level, attrs);
    }

    public void SetEntry(ulong va, int level, ulong descriptor) => _ram.WriteRaw(EntryAddress(va, level), 8, descriptor);
    public ulong GetEntry(ulong va, int level) => _ram.ReadRaw(EntryAddress(va, level), 8);
}

/// <summary>A harness plus a table pool and helpers to switch the MMU on for EL1&amp;0.</summary>
public sealed class MmuRig : IDisposable
{
    public const ulong PoolBase = 0x40C0_0000, PoolEnd = 0x4100_0000;
    /// <summary>MAIR: 0 Normal WB RW-allocate, 1 Device-nGnRnE, 2 Normal NC, 3 Device-nGnRE, 4 Normal WT RA.</summary>
    public const ulong Mair = 0xFFUL | (0x00UL << 8) | (0x44UL << 16) | (0x04UL << 24) | (0xAAUL << 32);
    private ulong _next = PoolBase;

    public MmuRig(CpuFeatures? features = null)
    {
        H = new CpuHarness(features);
    }

    public CpuHarness H { get; }
    public CpuCore Cpu => H.Cpu;
    public Ram Ram => H.Ram;

    public ulong Alloc(ulong size)
    {
        ulong a = (_next + size - 1) & ~(size - 1);
        if (a + size > PoolEnd) throw new InvalidOperationException("table pool exhausted");
        _next = a + size;
        return a;
    }

    public PageTableBuilder NewStage1(int pageShift, int inputSize) => new(Ram, Alloc, pageShift, inputSize);
    public PageTableBuilder NewStage2(int pageShift, int inputSize, int startLevel) => new(Ram, Alloc, pageShift, inputSize, startLevel);

    public static ulong Tg0(int pageShift) => pageShift switch { 12 => 0UL, 16 => 1UL, _ => 2UL } << 14;
    public static ulong Tg1(int pageShift) => pageShift switch { 14 => 1UL, 12 => 2UL, _ => 3UL } << 30;

    /// <summary>TCR_EL1 with both halves walked, WB ISH walks, IPS = 40 bits, 16-bit ASIDs unless told.</summary>
    public static ulong Tcr(int pageShift, int t0sz, int t1sz = 16, bool as16 = true, int ips = 2) =>
        (ulong)(uint)(t0sz & 0x3F) | ((ulong)(uint)(t1sz & 0x3F) << 16) | Tg0(pageShift) | Tg1(pageShift)
        | (1UL << 8) | (1UL << 10) | (3UL << 12)            // IRGN0/ORGN0 WB, SH0 ISH
        | (1UL << 24) | (1UL << 26) | (3UL << 28)           // IRGN1/ORGN1 WB, SH1 ISH
        | ((ulong)(uint)(ips & 7) << 32) | (as16 ? 1UL << 36 : 0UL);

    /// <summary>Programs the stage-1 registers and turns the MMU (and caches) on; flushes the TLB.</summary>
    public void EnableStage1(ulong tcr, ulong ttbr0, ulong ttbr1 = 0, ulong sctlrExtra = 0)
    {
        var r = Cpu.SysRegs;
        r.TcrEl1 = tcr;
        r.Ttbr0El1 = ttbr0;
        r.Ttbr1El1 = ttbr1;
        r.MairEl1 = Mair;
        r.SctlrEl1 = SystemRegisterTable.SctlrRes1 | 1 | (1UL << 2) | (1UL << 12) | sctlrExtra;
        Cpu.FlushTlb();
    }

    /// <summary>Identity-maps all of RAM (code, vectors, data and the table pool) with blocks or pages at <paramref name="level"/>.</summary>
    public void IdentityMapRam(PageTableBuilder t, int level, ulong attrs = Desc.Kernel)
    {
        ulong step = t.LevelSize(level);
        ulong start = CpuHarness.RamBase & ~(step - 1);
        ulong end = CpuHarness.RamBase + CpuHarness.RamSize;
        for (ulong a = start; a < end; a += step) t.Map(a, a, level, attrs);
    }

    /// <summary>Stage 2: 4K granule unless told, IPA size 64 - t0sz, start level from SL0, WB ISH walks, PS 40 bits.</summary>
    public static ulong Vtcr(int pageShift, int t0sz, int sl0) =>
        (ulong)(uint)(t0sz & 0x3F) | ((ulong)(uint)(sl0 & 3) << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12)
        | ((pageShift switch { 12 => 0UL, 16 => 1UL, _ => 2UL }) << 14) | (2UL << 16);

    public void EnableStage2(ulong vtcr, ulong root, ushort vmid = 1, ulong extraHcr = 0)
    {
        Cpu.VtcrEl2 = vtcr;
        Cpu.VttbrEl2 = root | ((ulong)vmid << 48);
        Cpu.HcrEl2 = Hcr.VM | Hcr.RW | extraHcr;
        Cpu.FlushTlb();
    }

    /// <summary>Reads through the CPU's data path; null when the access faulted (the guest exception or exit was taken).</summary>
    public ulong? TryRead(ulong va, AccessOptions options = AccessOptions.None)
    {
        try { return Cpu.Read(va, 8, options); }
        catch (GuestException) { return null; }
    }

    public bool TryWrite(ulong va, ulong value, AccessOptions options = AccessOptions.None)
    {
        try { Cpu.Write(va, 8, value, options); return true; }
        catch (GuestException) { return false; }
    }

    public void Dispose() => H.Dispose();
}
