using Arm64Vm.Cpu.Decoding;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Cpu.Tests.SimdTestUtil;

namespace Arm64Vm.Cpu.Tests;

/// <summary>Whole-space properties of the SIMD rows: no host exceptions, and the FP/SIMD access trap on every row.</summary>
public class SimdPropertyTests
{
    private static bool IsSimdRow(DecodeRow r) =>
        r.File.StartsWith("simd_int", StringComparison.Ordinal) || r.File.StartsWith("ldst_simd", StringComparison.Ordinal);

    /// <summary>Runs one word with registers pointing into RAM (and some not); true when it completed or took a
    /// guest exception, i.e. it never escaped as a host exception.</summary>
    private static bool RunsWithoutHostException(uint word, ulong seed)
    {
        using var h = NewHarness();
        for (int i = 0; i < 31; i++) h.Cpu.SetX(i, (i & 1) == 0 ? CpuHarness.DataBase + (seed % 4096) * (ulong)i : seed * 0x9E37_79B9_7F4A_7C15UL);
        h.Cpu.SpEl1 = CpuHarness.DataBase + 0x8000;
        for (int v = 0; v < 32; v++) h.Cpu.SetQ(v, seed * (ulong)(v + 1), ~seed ^ (ulong)v);
        Step(h, word);
        return h.Cpu.Pc == CpuHarness.CodeBase + 4 || h.Cpu.ExceptionsTaken > 0;
    }

    [Fact]
    public void RandomAdvSimdEncodingsNeverThrow()
    {
        // Data processing, SIMD&FP: bits [27:25] = 111 (bit 28 both ways, FP rows included when present).
        var gen = from w in ArbMap.Default.GeneratorFor<uint>()
                  from s in ArbMap.Default.GeneratorFor<ulong>()
                  select (Word: (w & ~(7u << 25)) | (7u << 25), Seed: s);
        Prop.ForAll(gen.ToArbitrary(), x => RunsWithoutHostException(x.Word, x.Seed)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RandomSimdLoadStoreEncodingsNeverThrow()
    {
        // Loads and stores with V = 1: bit 27 = 1, bit 26 = 1, bit 25 = 0.
        var gen = from w in ArbMap.Default.GeneratorFor<uint>()
                  from s in ArbMap.Default.GeneratorFor<ulong>()
                  select (Word: (w & ~(7u << 25)) | (6u << 25), Seed: s);
        Prop.ForAll(gen.ToArbitrary(), x => RunsWithoutHostException(x.Word, x.Seed)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EveryRowTrapsWhenFpenDisablesAccess()
    {
        // CPACR_EL1.FPEN = 00: every decoded SIMD row takes EC 0x07 before doing anything.
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated && IsSimdRow(r)))
        {
            foreach (uint fill in new[] { 0u, 0x5555_5555u, 0xAAAA_AAAAu, 0x0842_1084u, 0xFFFF_FFFFu })
            {
                uint word = row.Value | (fill & ~row.Mask);
                if (A64Decoder.FindRow(word) != row) continue;
                using var h = NewHarness();
                h.Cpu.SysRegs.CpacrEl1 = 0;
                h.Cpu.SetX(0, CpuHarness.DataBase);
                h.Cpu.SetQ((int)(word & 31), 0x1234, 0x5678);
                Step(h, word);
                Assert.True(h.Cpu.SysRegs.EsrEl1 >> 26 == 0x07, $"{row.Name} 0x{word:X8}: ESR 0x{h.Cpu.SysRegs.EsrEl1:X}");
                Assert.Equal(0x1234UL, h.Cpu.GetD((int)(word & 31)));
            }
        }
    }

    [Fact]
    public void WithoutFpSimdEveryRowIsUndefined()
    {
        foreach (var row in A64Table.Rows.Where(r => r.Op != A64Op.Unallocated && IsSimdRow(r)))
        {
            uint word = row.Value | (0x0842_1084u & ~row.Mask);
            if (A64Decoder.FindRow(word) != row) continue;
            using var h = new CpuHarness(new CpuFeatures { FpSimd = false });
            h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
            Step(h, word);
            Assert.True(h.Cpu.SysRegs.EsrEl1 >> 26 == 0, $"{row.Name} 0x{word:X8}: ESR 0x{h.Cpu.SysRegs.EsrEl1:X}");
        }
    }
}
