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
            ram.WriteRaw(table + i * 8, 8, (i << 30) | (1UL << 10) | (3UL << 8) | (3UL << 6) | (0xFUL << 2) | 1);
        cpu.VtcrEl2 = 24 | (1UL << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (2UL << 16);
        cpu.VttbrEl2 = table;
        cpu.FlushTlb();
    }
}
