namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// A flat (identity) stage 2 for tests that use HCR_EL2.DC = 1 to make MMU-off data accesses Normal write-back:
/// DC also turns stage 2 on (the PE behaves as if HCR_EL2.VM were 1), so it needs tables. This one covers the whole
/// 40-bit IPA space with 1 GiB Normal WB read/write/execute blocks: 4K granule, T0SZ = 24, start level 1 (two
/// concatenated tables), placed in the last 8 KiB of the first RAM region.
/// </summary>
public static class FlatStage2
{
    public const ulong TableSize = 0x2000;

    /// <summary>Writes the tables and programs VTCR_EL2/VTTBR_EL2 (HCR_EL2 is left to the caller).</summary>
    public static void Install(CpuCore cpu)
    {
        var ram = cpu.Memory.Map.RamRegions[0];
        ulong table = ram.EndPa - TableSize;
        for (ulong i = 0; i < 1024; i++)
            ram.WriteRaw(table + i * 8, 8, Block(i));
        cpu.VtcrEl2 = 24 | (1UL << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (2UL << 16);
        cpu.VttbrEl2 = table;
        cpu.FlushTlb();
    }

    /// <summary>
    /// Gives the 1 GiB block <paramref name="block"/> (IPA [block GiB, block + 1 GiB)) the stage-2 access
    /// <paramref name="s2ap"/> (bit 0 read, bit 1 write) and memory attributes <paramref name="memAttr"/> (MemAttr[3:0];
    /// 0xF Normal WB, 0xA Normal WT) and flushes the CPU's TLB.
    /// </summary>
    public static void SetAccess(CpuCore cpu, ulong block, int s2ap, int memAttr = 0xF)
    {
        var ram = cpu.Memory.Map.RamRegions[0];
        ram.WriteRaw(ram.EndPa - TableSize + block * 8, 8, Block(block, s2ap, memAttr));
        cpu.FlushTlb();
    }

    /// <summary>The level-1 block descriptor of 1 GiB block <paramref name="i"/>: inner shareable, AF, S2AP <paramref name="s2ap"/>, MemAttr <paramref name="memAttr"/>.</summary>
    private static ulong Block(ulong i, int s2ap = 3, int memAttr = 0xF) =>
        (i << 30) | Desc.AF | Desc.Sh(3) | Desc.S2Ap(s2ap) | Desc.MemAttr(memAttr) | Desc.Block;
}
