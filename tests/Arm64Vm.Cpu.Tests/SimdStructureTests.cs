using Xunit;
using static Arm64Vm.Cpu.Tests.SimdTestUtil;

namespace Arm64Vm.Cpu.Tests;

/// <summary>LD1-LD4/ST1-ST4 multiple and single structure, LD1R-LD4R, post-index by immediate and by register.</summary>
public class SimdStructureTests
{
    private const ulong D = CpuHarness.DataBase;
    private const ulong Ones = ulong.MaxValue;

    private static CpuHarness Setup()
    {
        var h = NewHarness();
        FillPattern(h);
        for (int i = 0; i < 32; i++) SetV(h.Cpu, i, Ones, Ones);
        h.Cpu.SetX(0, D + 0x100);
        h.Cpu.SetX(1, D + 0x800);
        return h;
    }

    /// <summary>A vector whose lane i (of 2^log2 bytes) is lane(i), for the first <paramref name="lanes"/> lanes.</summary>
    private static (ulong Lo, ulong Hi) Build(int log2, int lanes, Func<int, ulong> lane)
    {
        ulong lo = 0, hi = 0;
        int bits = 8 << log2;
        ulong mask = log2 == 3 ? Ones : (1UL << bits) - 1;
        for (int i = 0; i < lanes; i++)
        {
            int pos = i * bits;
            if (pos < 64) lo |= (lane(i) & mask) << pos; else hi |= (lane(i) & mask) << (pos - 64);
        }
        return (lo, hi);
    }

    private static void AssertV(CpuCore cpu, int v, (ulong Lo, ulong Hi) e) => SimdTestUtil.AssertV(cpu, v, e.Lo, e.Hi);

    [Fact]
    public void Ld1MultipleRegistersAreContiguousAndWrapAtV31()
    {
        using var h = Setup();
        h.Run(
            0x4C407000, // ld1 {v0.16b}, [x0]
            0x0C40A001, // ld1 {v1.8b, v2.8b}, [x0]
            0x4C406803, // ld1 {v3.4s-v5.4s}, [x0]
            0x4C402C1E); // ld1 {v30.2d, v31.2d, v0.2d, v1.2d}, [x0]   (overwrites v0, v1)
        AssertClean(h);
        SimdTestUtil.AssertV(h.Cpu, 2, PatLe(0x108, 8), 0);
        SimdTestUtil.AssertV(h.Cpu, 3, PatLe(0x100, 8), PatLe(0x108, 8));
        SimdTestUtil.AssertV(h.Cpu, 5, PatLe(0x120, 8), PatLe(0x128, 8));
        SimdTestUtil.AssertV(h.Cpu, 30, PatLe(0x100, 8), PatLe(0x108, 8));
        SimdTestUtil.AssertV(h.Cpu, 31, PatLe(0x110, 8), PatLe(0x118, 8));
        SimdTestUtil.AssertV(h.Cpu, 0, PatLe(0x120, 8), PatLe(0x128, 8));
        SimdTestUtil.AssertV(h.Cpu, 1, PatLe(0x130, 8), PatLe(0x138, 8));
    }

    [Fact]
    public void Ld2Ld3Ld4Deinterleave()
    {
        using var h = Setup();
        h.Cpu.SetX(2, 0x40);
        h.Run(
            0x4C408400, // ld2 {v0.8h, v1.8h}, [x0]
            0x0C404004, // ld3 {v4.8b-v6.8b}, [x0]
            0x4CDF0808); // ld4 {v8.4s-v11.4s}, [x0], #64
        AssertClean(h);
        AssertV(h.Cpu, 0, Build(1, 8, i => PatLe(0x100 + (ulong)(4 * i), 2)));
        AssertV(h.Cpu, 1, Build(1, 8, i => PatLe(0x102 + (ulong)(4 * i), 2)));
        for (int s = 0; s < 3; s++)
            AssertV(h.Cpu, 4 + s, Build(0, 8, i => Pat(0x100 + (ulong)(3 * i + s))));
        for (int s = 0; s < 4; s++)
            AssertV(h.Cpu, 8 + s, Build(2, 4, i => PatLe(0x100 + (ulong)(4 * (4 * i + s)), 4)));
        Assert.Equal(D + 0x140, h.Cpu.X(0));
    }

    [Fact]
    public void Ld1PostIndexByRegister()
    {
        using var h = Setup();
        h.Cpu.SetX(2, unchecked((ulong)-0x20));
        h.Run(0x4CC2A000); // ld1 {v0.16b, v1.16b}, [x0], x2
        AssertClean(h);
        SimdTestUtil.AssertV(h.Cpu, 1, PatLe(0x110, 8), PatLe(0x118, 8));
        Assert.Equal(D + 0xE0, h.Cpu.X(0));
    }

    [Fact]
    public void StoresInterleave()
    {
        using var h = Setup();
        for (int r = 0; r < 4; r++) SetV(h.Cpu, r, 0x0706050403020100UL + 0x1010101010101010UL * (ulong)(2 * r), 0x0F0E0D0C0B0A0908UL + 0x1010101010101010UL * (ulong)(2 * r));
        h.Cpu.SetX(2, 0x100);
        h.Run(
            0x4C9F2020, // st1 {v0.16b-v3.16b}, [x1], #64     0x800..0x83F, x1 = 0x840
            0x0C008420, // st2 {v0.4h, v1.4h}, [x1]            0x840..0x84F
            0x4C824020, // st3 {v0.16b-v2.16b}, [x1], x2       0x840..0x86F, x1 = 0x940
            0x4C000C20); // st4 {v0.2d-v3.2d}, [x1]            0x940..0x97F
        AssertClean(h);
        // st1: registers back to back: byte k of the 64 is 0x00 + 0x20*(k/16) + k%16 ... for v_r = r*0x20 + byte
        for (int k = 0; k < 64; k++) Assert.Equal((ulong)(0x20 * (k / 16) + k % 16), h.Ram.ReadRaw(D + 0x800 + (ulong)k, 1));
        // st3 of bytes: byte 3*i+s = v_s[i] = 0x20*s + i
        for (int i = 0; i < 16; i++)
            for (int s = 0; s < 3; s++)
                Assert.Equal((ulong)(0x20 * s + i), h.Ram.ReadRaw(D + 0x840 + (ulong)(3 * i + s), 1));
        Assert.Equal(D + 0x940, h.Cpu.X(1));
        // st4 of doublewords: dword 4*i+s = v_s.d[i]
        for (int i = 0; i < 2; i++)
            for (int s = 0; s < 4; s++)
                Assert.Equal(i == 0 ? h.Cpu.GetD(s) : h.Cpu.GetDHigh(s), h.Ram.ReadRaw(D + 0x940 + (ulong)(8 * (4 * i + s)), 8));
    }

    [Fact]
    public void St2HalfwordsOfDRegisters()
    {
        using var h = Setup();
        SetV(h.Cpu, 0, 0x0003000200010000, Ones);
        SetV(h.Cpu, 1, 0x0013001200110010, Ones);
        h.Run(0x0C008420); // st2 {v0.4h, v1.4h}, [x1]
        AssertClean(h);
        Assert.Equal(0x0011000100100000UL, h.Ram.ReadRaw(D + 0x800, 8));
        Assert.Equal(0x0013000300120002UL, h.Ram.ReadRaw(D + 0x808, 8));
        Assert.Equal(PatLe(0x810, 8), h.Ram.ReadRaw(D + 0x810, 8));
    }

    [Fact]
    public void SingleLaneLoadsKeepOtherLanes()
    {
        using var h = Setup();
        h.Cpu.SetX(2, 0x10);
        SetV(h.Cpu, 0, 0x1111111111111111, 0x2222222222222222);
        h.Run(
            0x4D401C00, // ld1 {v0.b}[15], [x0]
            0x0DDF5800, // ld1 {v0.h}[3], [x0], #2     x0 = 0x102
            0x4D609001, // ld2 {v1.s, v2.s}[3], [x0]
            0x4DC2A401, // ld3 {v1.d-v3.d}[1], [x0], x2   x0 = 0x112
            0x4DFF2404); // ld4 {v4.b-v7.b}[9], [x0], #4  x0 = 0x116
        AssertClean(h);
        SimdTestUtil.AssertV(h.Cpu, 0, 0x1111111111111111UL & 0x0000FFFFFFFFFFFF | PatLe(0x100, 2) << 48, 0x0022222222222222UL | (ulong)Pat(0x100) << 56);
        SimdTestUtil.AssertV(h.Cpu, 1, Ones, PatLe(0x102, 8));                 // s[3] then d[1] overwrote the upper half
        SimdTestUtil.AssertV(h.Cpu, 2, Ones, PatLe(0x10A, 8));
        SimdTestUtil.AssertV(h.Cpu, 3, Ones, PatLe(0x10A + 8, 8));
        for (int s = 0; s < 4; s++)
            SimdTestUtil.AssertV(h.Cpu, 4 + s, Ones, (Ones & ~(0xFFUL << 8)) | (ulong)Pat(0x112 + (ulong)s) << 8);
        Assert.Equal(D + 0x116, h.Cpu.X(0));
    }

    [Fact]
    public void SingleLaneStores()
    {
        using var h = Setup();
        SetV(h.Cpu, 0, 0xAAAA, 0x0123456789ABCDEF);
        for (int s = 0; s < 4; s++) SetV(h.Cpu, 4 + s, 0, (ulong)(0xB0 + s) << 48);
        h.Run(
            0x4D008420, // st1 {v0.d}[1], [x1]
            0x4DBF7824); // st4 {v4.h-v7.h}[7], [x1], #8
        AssertClean(h);
        Assert.Equal(0x00B300B200B100B0UL, h.Ram.ReadRaw(D + 0x800, 8)); // st4 overwrote st1
        Assert.Equal(PatLe(0x808, 8), h.Ram.ReadRaw(D + 0x808, 8));
        Assert.Equal(D + 0x808, h.Cpu.X(1));
    }

    [Fact]
    public void ReplicateLoads()
    {
        using var h = Setup();
        h.Cpu.SetX(2, 3);
        h.Run(
            0x0D40C000, // ld1r {v0.8b}, [x0]
            0x4DDFC801, // ld1r {v1.4s}, [x0], #4      x0 = 0x104
            0x4DE2C402, // ld2r {v2.8h, v3.8h}, [x0], x2   x0 = 0x107
            0x4D40EC04, // ld3r {v4.2d-v6.2d}, [x0]
            0x0DFFE808); // ld4r {v8.2s-v11.2s}, [x0], #16  x0 = 0x117
        AssertClean(h);
        AssertV(h.Cpu, 0, Build(0, 8, _ => Pat(0x100)));
        AssertV(h.Cpu, 1, Build(2, 4, _ => PatLe(0x100, 4)));
        AssertV(h.Cpu, 2, Build(1, 8, _ => PatLe(0x104, 2)));
        AssertV(h.Cpu, 3, Build(1, 8, _ => PatLe(0x106, 2)));
        for (int s = 0; s < 3; s++) AssertV(h.Cpu, 4 + s, Build(3, 2, _ => PatLe(0x107 + (ulong)(8 * s), 8)));
        for (int s = 0; s < 4; s++) AssertV(h.Cpu, 8 + s, Build(2, 2, _ => PatLe(0x107 + (ulong)(4 * s), 4)));
        Assert.Equal(D + 0x117, h.Cpu.X(0));
    }
}
