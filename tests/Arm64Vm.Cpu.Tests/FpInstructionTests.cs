using Arm64Vm.Cpu.FloatingPoint;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Scalar and AdvSIMD floating-point instructions through decode and execution. Encodings come from
/// aarch64-linux-gnu-as (the assembly is next to each word).
/// </summary>
public class FpInstructionTests
{
    private static ulong D(double v) => BitConverter.DoubleToUInt64Bits(v);
    private static ulong S(float v) => BitConverter.SingleToUInt32Bits(v);
    private static ulong S2(float lo, float hi) => S(lo) | S(hi) << 32;

    private static CpuHarness Machine(uint fpcr = 0)
    {
        var h = new CpuHarness(new CpuFeatures { FpSimd = true });
        h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
        h.Cpu.Fpcr = fpcr;
        return h;
    }

    private static CpuCore Run(CpuHarness h, params uint[] program)
    {
        h.Run(program);
        Assert.True(h.StoppedCleanly, $"stopped with ESR 0x{h.Cpu.SysRegs.EsrEl1:X}");
        return h.Cpu;
    }

    [Fact]
    public void ScalarArithmeticZeroesUpperBitsAndSetsFlags()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetQ(0, ~0UL, ~0UL);
        c.SetQ(1, S(1.0f), 0xDEAD); c.SetQ(2, S(3.0f), 0);
        Run(h, 0x1e222820); // fadd s0, s1, s2
        Assert.Equal(S(4.0f), c.GetD(0));
        Assert.Equal(0UL, c.GetDHigh(0));
        c.SetD(1, D(1.0)); c.SetD(2, D(3.0));
        c.Fpsr = 0;
        Run(h, 0x1e621820); // fdiv d0, d1, d2
        Assert.Equal(D(1.0 / 3.0), c.GetD(0));
        Assert.Equal(FpBits.IXC, c.Fpsr);
        c.SetD(2, 0);
        c.Fpsr = 0;
        Run(h, 0x1e621820); // fdiv d0, d1, d2: by +0
        Assert.Equal(D(double.PositiveInfinity), c.GetD(0));
        Assert.Equal(FpBits.DZC, c.Fpsr);
    }

    [Fact]
    public void FusedMultiplyAddForms()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetD(1, D(2.0)); c.SetD(2, D(5.0)); c.SetD(3, D(1.0));
        Run(h, 0x1f420c20); // fmadd d0, d1, d2, d3 = 1 + 10
        Assert.Equal(D(11.0), c.GetD(0));
        c.SetS(1, (uint)S(2.0f)); c.SetS(2, (uint)S(5.0f)); c.SetS(3, (uint)S(1.0f));
        Run(h, 0x1f228c20); // fnmsub s0, s1, s2, s3 = -1 + 10
        Assert.Equal(S(9.0f), c.GetD(0));
        c.SetD(1, D(2.0)); c.SetD(2, D(-5.0));
        Run(h, 0x1e628820); // fnmul d0, d1, d2
        Assert.Equal(D(10.0), c.GetD(0));
    }

    [Fact]
    public void CompareConditionalCompareAndSelect()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetD(1, D(1.0)); c.SetD(2, D(2.0));
        Run(h, 0x1e622020); // fcmp d1, d2
        Assert.Equal(0x8000_0000u, c.Nzcv);
        c.SetS(1, 0x7FC0_0000);
        c.Fpsr = 0;
        Run(h, 0x1e202038); // fcmpe s1, #0.0 with a quiet NaN: unordered, IOC
        Assert.Equal(0x3000_0000u, c.Nzcv);
        Assert.Equal(FpBits.IOC, c.Fpsr);
        c.SetD(1, D(1.0));
        c.Nzcv = 0; // EQ false
        Run(h, 0x1e620424); // fccmp d1, d2, #4, eq
        Assert.Equal(0x4000_0000u, c.Nzcv);
        c.Nzcv = 0x4000_0000; // EQ true: compare 1.0 vs 2.0
        Run(h, 0x1e620424);
        Assert.Equal(0x8000_0000u, c.Nzcv);
        c.Nzcv = 0x4000_0000; // NE false -> d2
        Run(h, 0x1e621c20); // fcsel d0, d1, d2, ne
        Assert.Equal(D(2.0), c.GetD(0));
    }

    [Fact]
    public void FmovImmediateGeneralAndTopHalf()
    {
        using var h = Machine();
        var c = h.Cpu;
        Run(h, 0x1e7e9000); // fmov d0, #-1.25
        Assert.Equal(D(-1.25), c.GetD(0));
        Run(h, 0x1e27f000); // fmov s0, #31.0
        Assert.Equal(S(31.0f), c.GetD(0));
        c.SetQ(1, 0x1111, 0x2222);
        Run(h, 0x9e660020); // fmov x0, d1
        Assert.Equal(0x1111UL, c.X(0));
        Run(h, 0x9eae0020); // fmov x0, v1.d[1]
        Assert.Equal(0x2222UL, c.X(0));
        c.SetQ(0, 0x5555, 0x6666); c.SetX(1, 0x7777);
        Run(h, 0x9eaf0020); // fmov v0.d[1], x1: keeps the low half
        Assert.Equal(0x5555UL, c.GetD(0));
        Assert.Equal(0x7777UL, c.GetDHigh(0));
        c.SetX(1, 0xFFFF_FFFF_3F80_0000);
        Run(h, 0x1e270020); // fmov s0, w1
        Assert.Equal(0x3F80_0000UL, c.GetD(0));
        Assert.Equal(0UL, c.GetDHigh(0));
    }

    [Fact]
    public void ConversionsToAndFromIntegers()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetD(1, D(1e10));
        Run(h, 0x1e780020); // fcvtzs w0, d1: saturates
        Assert.Equal(0x7FFF_FFFFUL, c.X(0));
        Assert.Equal(FpBits.IOC, c.Fpsr);
        c.SetS(1, (uint)S(-3.5f)); c.Fpsr = 0;
        Run(h, 0x9e390020); // fcvtzu x0, s1: negative -> 0
        Assert.Equal(0UL, c.X(0));
        Assert.Equal(FpBits.IOC, c.Fpsr);
        c.SetS(1, (uint)S(-2.5f)); c.Fpsr = 0;
        Run(h, 0x1e240020); // fcvtas w0, s1: ties away -> -3
        Assert.Equal(0xFFFF_FFFDUL, c.X(0));
        Assert.Equal(FpBits.IXC, c.Fpsr);
        c.SetD(1, D(1.5));
        Run(h, 0x1e58e020); // fcvtzs w0, d1, #8
        Assert.Equal(384UL, c.X(0));
        c.SetX(1, ulong.MaxValue);
        Run(h, 0x9e620020); // scvtf d0, x1
        Assert.Equal(D(-1.0), c.GetD(0));
        c.SetX(1, 0xFFFF_FFFF); c.Fpsr = 0;
        Run(h, 0x1e03f020); // ucvtf s0, w1, #4 -> 268435455.9375 rounds to 2^28
        Assert.Equal(S(268435456f), c.GetD(0));
        Assert.Equal(FpBits.IXC, c.Fpsr);
    }

    [Fact]
    public void PrecisionConversionsAndRoundToIntegral()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetD(1, D(1.0));
        Run(h, 0x1e63c020); // fcvt h0, d1
        Assert.Equal(0x3C00UL, c.GetD(0));
        c.SetH(1, 0xC000);
        Run(h, 0x1ee2c020); // fcvt d0, h1
        Assert.Equal(D(-2.0), c.GetD(0));
        c.SetD(1, D(1e300)); c.Fpsr = 0;
        Run(h, 0x1e624020); // fcvt s0, d1: overflows
        Assert.Equal(S(float.PositiveInfinity), c.GetD(0));
        Assert.Equal(FpBits.OFC | FpBits.IXC, c.Fpsr);
        c.SetD(1, D(2.5)); c.Fpsr = 0;
        Run(h, 0x1e674020); // frintx d0, d1 (RN: 2.0, inexact)
        Assert.Equal(D(2.0), c.GetD(0));
        Assert.Equal(FpBits.IXC, c.Fpsr);
        c.SetS(1, (uint)S(2.5f)); c.Fpsr = 0;
        Run(h, 0x1e264020); // frinta s0, s1 (3.0, no IXC)
        Assert.Equal(S(3.0f), c.GetD(0));
        Assert.Equal(0u, c.Fpsr);
        c.SetD(1, D(2.0));
        Run(h, 0x1e61c020); // fsqrt d0, d1
        Assert.Equal(D(Math.Sqrt(2.0)), c.GetD(0));
    }

    [Fact]
    public void RoundingModeFromFpcrApplies()
    {
        using var h = Machine(fpcr: 2u << 22); // RM: toward -inf
        var c = h.Cpu;
        c.SetS(1, (uint)S(1.0f)); c.SetS(2, (uint)S(3.0f));
        Run(h, 0x1e221820); // fdiv s0, s1, s2
        Assert.Equal(0x3EAA_AAABUL, S(1.0f / 3.0f)); // RN rounds 1/3 up ...
        Assert.Equal(0x3EAA_AAAAUL, c.GetD(0));      // ... RM truncates
        c.SetS(1, (uint)S(2.0f));
        Run(h, 0x1e221820);
        Assert.Equal(0x3F2A_AAAAUL, c.GetD(0));
    }

    [Fact]
    public void VectorThreeSameAndPairwise()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetQ(1, S2(1, 2), S2(3, 4)); c.SetQ(2, S2(10, 20), S2(30, 40));
        Run(h, 0x4e22d420); // fadd v0.4s, v1.4s, v2.4s
        Assert.Equal(S2(11, 22), c.GetD(0)); Assert.Equal(S2(33, 44), c.GetDHigh(0));
        Run(h, 0x6e22d420); // faddp v0.4s, v1.4s, v2.4s
        Assert.Equal(S2(3, 7), c.GetD(0)); Assert.Equal(S2(30, 70), c.GetDHigh(0));
        Run(h, 0x2e22d420); // faddp v0.2s, v1.2s, v2.2s
        Assert.Equal(S2(3, 30), c.GetD(0)); Assert.Equal(0UL, c.GetDHigh(0));
        Run(h, 0x7e30d820); // faddp s0, v1.2s
        Assert.Equal(S(3), c.GetD(0));
        c.SetQ(1, D(1.5), D(-2.0)); c.SetQ(2, D(0.5), D(8.0));
        Run(h, 0x4e62d420); // fadd v0.2d
        Assert.Equal(D(2.0), c.GetD(0)); Assert.Equal(D(6.0), c.GetDHigh(0));
        c.SetQ(0, D(1.0), D(1.0));
        Run(h, 0x4ee2cc20); // fmls v0.2d, v1.2d, v2.2d: 1 - 1.5*0.5, 1 - (-2*8)
        Assert.Equal(D(0.25), c.GetD(0)); Assert.Equal(D(17.0), c.GetDHigh(0));
        c.SetQ(1, S2(-1, 5), 0); c.SetQ(2, S2(2, 1), 0);
        Run(h, 0x2ea2d420); // fabd v0.2s
        Assert.Equal(S2(3, 4), c.GetD(0));
        c.SetQ(1, S2(2, 2), S2(2, 2)); c.SetQ(2, S2(0.5f, 1), S2(1.5f, 0));
        Run(h, 0x4e22fc20); // frecps v0.4s: 2 - a*b
        Assert.Equal(S2(1, 0), c.GetD(0)); Assert.Equal(S2(-1, 2), c.GetDHigh(0));
    }

    [Fact]
    public void VectorCompares()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetQ(1, D(-1.0), D(0.0));
        Run(h, 0x4ee0e820); // fcmlt v0.2d, v1.2d, #0.0
        Assert.Equal(ulong.MaxValue, c.GetD(0)); Assert.Equal(0UL, c.GetDHigh(0));
        c.SetD(1, D(2.0)); c.SetD(2, D(2.0));
        Run(h, 0x7e62e420); // fcmge d0, d1, d2
        Assert.Equal(ulong.MaxValue, c.GetD(0));
        c.SetS(1, (uint)S(-3.0f)); c.SetS(2, (uint)S(2.0f));
        Run(h, 0x7ea2ec20); // facgt s0, s1, s2
        Assert.Equal(0xFFFF_FFFFUL, c.GetD(0));
    }

    [Fact]
    public void ByElementAndAcrossLanes()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetQ(0, S2(1, 1), S2(1, 1)); c.SetQ(1, S2(1, 2), S2(3, 4)); c.SetQ(2, 0, S2(0, 10));
        Run(h, 0x4fa21820); // fmla v0.4s, v1.4s, v2.s[3]
        Assert.Equal(S2(11, 21), c.GetD(0)); Assert.Equal(S2(31, 41), c.GetDHigh(0));
        c.SetD(0, D(1.0)); c.SetD(1, D(3.0)); c.SetQ(2, D(100), D(2.0));
        Run(h, 0x5fc21820); // fmla d0, d1, v2.d[1]
        Assert.Equal(D(7.0), c.GetD(0)); Assert.Equal(0UL, c.GetDHigh(0));
        c.SetQ(1, S2(0, float.PositiveInfinity), S2(1, 2)); c.SetQ(2, S2(0, -3), 0);
        Run(h, 0x6fa29020); // fmulx v0.4s, v1.4s, v2.s[1]: 0*-3 = -0, inf*-3 = -inf
        Assert.Equal(S2(-0.0f, float.NegativeInfinity), c.GetD(0)); Assert.Equal(S2(-3, -6), c.GetDHigh(0));
        c.SetQ(1, S(1) | 0x7FC0_0000UL << 32, S2(-5, 4));
        Run(h, 0x6e30f820); // fmaxv s0, v1.4s -> NaN propagates
        Assert.Equal(0x7FC0_0000UL, c.GetD(0));
        Run(h, 0x6eb0c820); // fminnmv s0, v1.4s -> -5
        Assert.Equal(S(-5), c.GetD(0));
    }

    [Fact]
    public void VectorConversions()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetQ(1, S2(1, -2), S2(65504, 1e6f));
        Run(h, 0x0e216820); // fcvtn v0.4h, v1.4s
        Assert.Equal(0x7C00_7BFF_C000_3C00UL, c.GetD(0)); Assert.Equal(0UL, c.GetDHigh(0));
        c.SetQ(0, 0x1234, 0x5678); c.SetQ(1, D(1.0), D(0.5));
        Run(h, 0x4e616820); // fcvtn2 v0.4s, v1.2d: keeps the low half
        Assert.Equal(0x1234UL, c.GetD(0)); Assert.Equal(S2(1, 0.5f), c.GetDHigh(0));
        c.SetQ(1, 0, S2(1.5f, -4));
        Run(h, 0x4e617820); // fcvtl2 v0.2d, v1.4s
        Assert.Equal(D(1.5), c.GetD(0)); Assert.Equal(D(-4.0), c.GetDHigh(0));
        c.SetD(1, 0x3FF0_0000_1000_0000); // 1 + 2^-24: halfway, round-to-odd gives 1 + 2^-23
        Run(h, 0x7e616820); // fcvtxn s0, d1
        Assert.Equal(0x3F80_0001UL, c.GetD(0));
        c.SetQ(1, 8UL | (ulong)0xFFFF_FFF8 << 32, 12);
        Run(h, 0x4f3de420); // scvtf v0.4s, v1.4s, #3
        Assert.Equal(S2(1, -1), c.GetD(0)); Assert.Equal(S2(1.5f, 0), c.GetDHigh(0));
        c.SetQ(1, D(1.5), D(-1.0));
        c.Fpsr = 0;
        Run(h, 0x6f76fc20); // fcvtzu v0.2d, v1.2d, #10
        Assert.Equal(1536UL, c.GetD(0)); Assert.Equal(0UL, c.GetDHigh(0));
        Assert.Equal(FpBits.IOC, c.Fpsr);
        c.SetD(1, D(-0.75));
        Run(h, 0x5f7bfc20); // fcvtzs d0, d1, #5
        Assert.Equal(unchecked((ulong)-24L), c.GetD(0));
    }

    [Fact]
    public void EstimatesAndRecpx()
    {
        using var h = Machine();
        var c = h.Cpu;
        c.SetS(1, (uint)S(2.0f));
        Run(h, 0x5ea1d820); // frecpe s0, s1
        Assert.Equal(0x3EFF_8000UL, c.GetD(0));
        c.SetQ(1, D(4.0), D(1.0));
        Run(h, 0x6ee1d820); // frsqrte v0.2d, v1.2d
        Assert.Equal(0x3FDF_F000_0000_0000UL, c.GetD(0)); Assert.Equal(0x3FEF_F000_0000_0000UL, c.GetDHigh(0));
        c.SetD(1, D(3.0));
        Run(h, 0x5ee1f820); // frecpx d0, d1: exponent 0x400 -> NOT 0x3FF, fraction cleared
        Assert.Equal(0x3FF0_0000_0000_0000UL, c.GetD(0));
    }

    [Fact]
    public void AccessTrapsAndUnallocatedEncodings()
    {
        using (var h = Machine())
        {
            h.Cpu.SysRegs.CpacrEl1 = 0; // FPEN = 00: trap EL1 accesses
            h.Load(CpuHarness.CodeBase, 0x1e222820);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(1);
            Assert.Equal(0x07UL, h.Cpu.SysRegs.EsrEl1 >> 26);
            Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
        }
        foreach (uint word in new uint[] { 0x1ea22820 /* fadd, ftype=10 */, 0x0e62d420 /* fadd v.2d with Q=0 */, 0x1ee22820 /* fadd h0, h1, h2 (FEAT_FP16, not implemented) */ })
        {
            using var h = Machine();
            h.Load(CpuHarness.CodeBase, word);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(1);
            Assert.Equal(0x00UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        }
        using (var h = new CpuHarness(new CpuFeatures { FpSimd = false }))
        {
            h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
            h.Load(CpuHarness.CodeBase, 0x1e222820);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(1);
            Assert.Equal(0x00UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        }
    }

    /// <summary>
    /// The FP/SIMD enable check is cached per CPACR_EL1 value: an MSR to CPACR_EL1, a host write of it, a change of
    /// EL (FPEN = 01 enables EL1 only) and a reset must all be seen by the very next FP instruction.
    /// </summary>
    [Fact]
    public void EnableCheckFollowsEveryCpacrAndElChange()
    {
        using var h = Machine();
        var c = h.Cpu;
        const uint fadd = 0x1e222820;          // fadd s0, s1, s2
        c.SetX(1, 3UL << 20);
        // fadd; msr cpacr_el1, xzr; fadd (traps, EC 0x07, at the third word)
        h.Load(CpuHarness.CodeBase, fadd, 0xD518105F, fadd);
        c.Pc = CpuHarness.CodeBase;
        c.Run(3);
        Assert.Equal(0x07UL, c.SysRegs.EsrEl1 >> 26);
        Assert.Equal(CpuHarness.CodeBase + 8, c.SysRegs.ElrEl1);
        Assert.Equal(0UL, c.SysRegs.CpacrEl1);

        // msr cpacr_el1, x1 (FPEN = 11); fadd: runs.
        long before = (long)c.ExceptionsTaken;
        h.Load(CpuHarness.CodeBase, 0xD5181041, fadd);
        c.Pc = CpuHarness.CodeBase;
        c.Run(2);
        Assert.Equal(before, (long)c.ExceptionsTaken);
        Assert.Equal(CpuHarness.CodeBase + 8, c.Pc);

        // FPEN = 01: EL1 runs, EL0 traps; the host's write of CPACR_EL1 takes effect at once.
        c.SysRegs.CpacrEl1 = 1UL << 20;
        h.Load(CpuHarness.CodeBase, fadd);
        c.Pc = CpuHarness.CodeBase;
        c.Run(1);
        Assert.Equal(before, (long)c.ExceptionsTaken);
        c.El = 0;
        c.Pc = CpuHarness.CodeBase;
        c.Run(1);
        Assert.Equal(before + 1, (long)c.ExceptionsTaken);
        Assert.Equal(0x07UL, c.SysRegs.EsrEl1 >> 26);

        // A reset brings CPACR_EL1 back to 0: FP traps at EL1 again.
        c.Reset();
        c.SysRegs.VbarEl1 = CpuHarness.VectorBase;
        c.Pc = CpuHarness.CodeBase;
        c.Run(1);
        Assert.Equal(0x07UL, c.SysRegs.EsrEl1 >> 26);
        c.SysRegs.Set("CPACR_EL1", 3UL << 20);
        ulong taken = c.ExceptionsTaken;
        c.El = 1;
        c.Pc = CpuHarness.CodeBase;
        c.Run(1);
        Assert.Equal(taken, c.ExceptionsTaken);
    }

    /// <summary>Random words of the SIMD&amp;FP data-processing space (op0 = x111) with random V registers and FPCR.</summary>
    [Fact]
    public void RandomFpWordsNeverThrow()
    {
        using var h = Machine();
        var r = new Random(777);
        for (int i = 0; i < 30_000; i++)
        {
            uint word = ((uint)r.NextInt64(0, 1L << 32) & ~(7u << 25)) | (7u << 25);
            for (int v = 0; v < 32; v++) h.Cpu.SetQ(v, (ulong)r.NextInt64() ^ ((ulong)r.Next(4) << 62), (ulong)r.NextInt64());
            h.Cpu.Fpcr = (uint)r.Next(16) << 22 | (uint)r.Next(2) << 26;
            h.Cpu.El = 1;
            h.Cpu.SysRegs.VbarEl1 = CpuHarness.VectorBase;
            h.Load(CpuHarness.CodeBase, word, CpuHarness.Stop);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(2);   // must not throw
        }
    }
}
