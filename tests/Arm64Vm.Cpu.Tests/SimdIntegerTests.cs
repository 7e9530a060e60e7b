using Arm64Vm.Cpu.Decoding;
using Xunit;
using static Arm64Vm.Cpu.Tests.SimdTestUtil;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// AdvSIMD integer instructions, one group per test, at lane boundaries: saturation edges (and FPSR.QC), shifts
/// by 0 and by the element size, rounding, Q = 0 clearing the upper half, narrowing "2" forms keeping the lower
/// half. Expected values are worked out by hand from the Arm ARM pseudocode. (Broad random coverage against QEMU
/// is in SimdDiffTests.)
/// </summary>
public class SimdIntegerTests
{
    private const ulong Qc = 1UL << 27;

    /// <summary>Runs one instruction after <paramref name="setup"/>; checks V[rd] and, when given, FPSR.QC.</summary>
    private static CpuCore Check(uint word, Action<CpuCore> setup, int rd, ulong lo, ulong hi, bool? qc = null, CpuFeatures? features = null)
    {
        var h = features is null ? NewHarness() : new CpuHarness(features);
        if (features is not null) h.Cpu.SysRegs.CpacrEl1 = 3UL << 20;
        setup(h.Cpu);
        h.Run(word);
        AssertClean(h);
        AssertV(h.Cpu, rd, lo, hi);
        if (qc is bool q) Assert.Equal(q, (h.Cpu.Fpsr & Qc) != 0);
        return h.Cpu;
    }

    private static void V(CpuCore c, int v, ulong lo, ulong hi = 0) => c.SetQ(v, lo, hi);

    [Fact]
    public void SaturatingAddSubSetQcAndQcIsSticky()
    {
        // sqadd v2.16b, v0.16b, v1.16b: 7F+01 -> 7F (sat), 80+FF -> 80 (sat), 01+01, FF+FF
        Check(0x4E210C02, c => { V(c, 0, 0xFF01807F); V(c, 1, 0xFF01FF01); }, 2, 0xFE02807F, 0, qc: true);
        // no saturation: QC stays clear; and a set QC is not cleared
        Check(0x4E210C02, c => { V(c, 0, 1); V(c, 1, 2); }, 2, 3, 0, qc: false);
        Check(0x4E210C02, c => { V(c, 0, 1); V(c, 1, 2); c.Fpsr = (uint)Qc; }, 2, 3, 0, qc: true);
        // uqsub v3.8h: 5-6 -> 0 (sat), FFFF-1, 0-0
        Check(0x6E612C03, c => { V(c, 0, 0xFFFF_0005); V(c, 1, 0x0001_0006); }, 3, 0xFFFE_0000, 0, qc: true);
        // sqadd d4, d0, d1: INT64_MAX + 1 saturates; the scalar write clears bits [127:64]
        Check(0x5EE10C04, c => { V(c, 0, long.MaxValue, 7); V(c, 1, 1, 7); V(c, 4, 0, 0xFFFF); }, 4, long.MaxValue, 0, qc: true);
    }

    [Fact]
    public void SixtyFourBitVectorsClearTheUpperHalf()
    {
        // add v5.2s, v0.2s, v1.2s
        Check(0x0EA18405, c => { V(c, 0, 0xFFFFFFFF_00000001, 0x1234); V(c, 1, 0x00000001_00000001, 0x5678); V(c, 5, 9, 9); }, 5, 2, 0);
    }

    [Fact]
    public void RegisterShiftsUseTheSignedLowByte()
    {
        // sshl v6.4s: [0x80000000 >> 31, 1 << 31, 0x40000000 << 32 (= 0), -8 >> 128 (= -1)]
        Check(0x4EA14406, c => { V(c, 0, 0x00000001_80000000, 0xFFFFFFF8_40000000); V(c, 1, 0x0000001F_000000E1, 0xFFFFFF80_00000020); },
            6, 0x80000000_FFFFFFFF, 0xFFFFFFFF_00000000);
    }

    [Fact]
    public void RoundingShiftRightByImmediate()
    {
        // urshr v7.2d, v0.2d, #64: (x + 2^63) >> 64
        Check(0x6F402407, c => V(c, 0, ulong.MaxValue, long.MaxValue), 7, 1, 0);
        // srshr v8.16b, v0.16b, #1: -1 -> 0, 1 -> 1, 3 -> 2, -128 -> -64
        Check(0x4F0F2408, c => V(c, 0, 0x800301FF), 8, 0xC0020100, 0);
        // sqrshrn v9.8b, v0.8h, #8: 7FFF -> 7F (sat), 8000 -> 80, 0080 -> 01, FF7F -> FF
        Check(0x0F089C09, c => V(c, 0, 0xFF7F_0080_8000_7FFF), 9, 0xFF01807F, 0, qc: true);
        // sqrshrn2 v9.16b, v1.8h, #1 keeps the lower half: 00FF -> 7F (sat), FF01 -> 81, 0001 -> 01
        Check(0x4F0F9C29, c => { V(c, 1, 0x0000_0001_FF01_00FF); V(c, 9, 0xAAAA, 0xBBBB); }, 9, 0xAAAA, 0x0001817F, qc: true);
    }

    [Fact]
    public void ShiftAndInsertAndSaturatingShiftLeft()
    {
        // sli v19.4s, v0.4s, #31
        Check(0x6F3F5413, c => { V(c, 0, 1); V(c, 19, ulong.MaxValue, ulong.MaxValue); }, 19, 0x7FFFFFFF_FFFFFFFF, 0x7FFFFFFF_7FFFFFFF);
        // sri d20, d0, #64 inserts nothing (the scalar write still clears the upper half)
        Check(0x7F404414, c => { V(c, 0, ulong.MaxValue); V(c, 20, 0x1234, 0x5678); }, 20, 0x1234, 0);
        // sqshlu v21.16b, v0.16b, #7: 1 -> 80, 2 -> FF (sat), -1 -> 0 (sat), 7F -> FF (sat)
        Check(0x6F0F6415, c => V(c, 0, 0x7FFF0201), 21, 0xFF00FF80, 0, qc: true);
        // uqshl h22, h0, #15: 1 -> 8000 without saturation
        Check(0x7F1F7416, c => V(c, 0, 1), 22, 0x8000, 0, qc: false);
        Check(0x7F1F7416, c => V(c, 0, 2), 22, 0xFFFF, 0, qc: true);
    }

    [Fact]
    public void SixtyFourBitScalarShiftsNeedImmhBit3()
    {
        // sshr d1, d0, #1 (immh = 1111): arithmetic, the scalar write clears bits [127:64]
        Check(0x5F7F0401, c => { V(c, 0, 0x80000000_00000002, 5); V(c, 1, 0, 7); }, 1, 0xC0000000_00000001, 0);
        // shl d2, d0, #63
        Check(0x5F7F5402, c => V(c, 0, 3, 5), 2, 0x80000000_00000000, 0);
        // The same words with immh<3> = 0 name a 32-bit element, which the scalar forms do not have: the rows bind
        // immh:4 and their validator (SShiftD) rejects them, so they stay unallocated as before.
        Assert.Equal(A64Op.SHR_s, A64Decoder.DecodeOp(0x5F7F0401));
        Assert.Equal(A64Op.Unallocated, A64Decoder.DecodeOp(0x5F3F0401));
        Assert.Equal(A64Op.Unallocated, A64Decoder.DecodeOp(0x5F3F5402));
    }

    [Fact]
    public void LongShiftsAndExtends()
    {
        // shll2 v16.8h, v0.16b, #8
        Check(0x6E213810, c => V(c, 0, 0, 0x0180), 16, 0x0100_8000, 0);
        // sxtl v17.2d, v0.2s
        Check(0x0F20A411, c => V(c, 0, 0x7FFFFFFF_80000000), 17, 0xFFFFFFFF_80000000, 0x7FFFFFFF);
        // uxtl2 v18.8h, v0.16b
        Check(0x6F08A412, c => V(c, 0, 0, 0x80FF), 18, 0x0080_00FF, 0);
    }

    [Fact]
    public void TableLookupOutOfRangeIndices()
    {
        Action<CpuCore> tables = c =>
        {
            V(c, 0, 0x0706050403020100, 0x0F0E0D0C0B0A0908);
            V(c, 1, 0x1716151413121110, 0x1F1E1D1C1B1A1918);
            V(c, 2, 0x01800F10FF201F00, 0);
            V(c, 11, 0xEEEEEEEEEEEEEEEE, 0xEEEEEEEEEEEEEEEE);
        };
        // tbl v10.16b, {v0.16b, v1.16b}, v2.16b: 0, 31, 32 -> 0, 255 -> 0, 16, 15, 0x80 -> 0, 1
        Check(0x4E02200A, tables, 10, 0x01000F1000001F00, 0);
        // tbx v11.8b, {v0.16b}, v2.8b: out of range keeps the old byte; Q = 0 clears the upper half
        Check(0x0E02100B, tables, 11, 0x01EE0FEEEEEEEE00, 0);
    }

    [Fact]
    public void ExtractAndPermutes()
    {
        Action<CpuCore> bytes = c => { V(c, 0, 0x0706050403020100, 0x0F0E0D0C0B0A0908); V(c, 1, 0x1716151413121110, 0x1F1E1D1C1B1A1918); };
        Check(0x6E01180C, bytes, 12, 0x0A09080706050403, 0x1211100F0E0D0C0B);   // ext v12.16b, v0.16b, v1.16b, #3
        Check(0x4E01280F, bytes, 15, 0x1606140412021000, 0x1E0E1C0C1A0A1808);   // trn1 .16b
        Action<CpuCore> halves = c => { V(c, 0, 0x0003000200010000, 0x0007000600050004); V(c, 1, 0x0013001200110010, 0x0017001600150014); };
        Check(0x4E41380D, halves, 13, 0x0011000100100000, 0x0013000300120002); // zip1 .8h
        Check(0x4E81580E, halves, 14, 0x0007000600030002, 0x0017001600130012); // uzp2 .4s
    }

    [Fact]
    public void ModifiedImmediates()
    {
        Check(0x4F054570, _ => { }, 16, 0x00AB0000_00AB0000, 0x00AB0000_00AB0000);               // movi .4s, #0xab, lsl #16
        Check(0x6F00A651, _ => { }, 17, 0xEDFFEDFF_EDFFEDFF, 0xEDFFEDFF_EDFFEDFF);               // mvni .8h, #0x12, lsl #8
        Check(0x4F047412, c => V(c, 18, 1, 2), 18, 0x80000000_80000001, 0x80000000_80000002);    // orr .4s, #0x80, lsl #24
        Check(0x2F0717F3, c => V(c, 19, ulong.MaxValue, 0xFF), 19, 0xFFFFFF00_FFFFFF00, 0);      // bic .2s, #0xff
        Check(0x2F05E554, c => V(c, 20, 1, 1), 20, 0xFF00FF00FF00FF00, 0);                       // movi d20, #0xff00ff00ff00ff00
        Check(0x4F07F715, _ => { }, 21, 0xBFC00000_BFC00000, 0xBFC00000_BFC00000);               // fmov .4s, #-1.5
        Check(0x6F02F416, _ => { }, 22, 0x3FC0000000000000, 0x3FC0000000000000);                 // fmov .2d, #0.125
        Check(0x4F00D657, _ => { }, 23, 0x0012FFFF_0012FFFF, 0x0012FFFF_0012FFFF);               // movi .4s, #0x12, msl #16
    }

    [Fact]
    public void CopyInstructions()
    {
        Action<CpuCore> src = c => { V(c, 0, 0x8786858483828180, 0x8F8E8D8C8B8A8988); c.SetX(2, 0x1234); V(c, 26, 0x1111111111111111, 0x2222222222222222); };
        Check(0x4E160418, src, 24, 0x8B8A8B8A8B8A8B8A, 0x8B8A8B8A8B8A8B8A);   // dup v24.8h, v0.h[5]
        Check(0x4E010C59, src, 25, 0x3434343434343434, 0x3434343434343434);   // dup v25.16b, w2
        Check(0x4E141C5A, src, 26, 0x1111111111111111, 0x22222222_00001234);   // ins v26.s[2], w2
        Check(0x6E06741B, src, 27, 0x8F8E0000, 0);                            // ins v27.h[1], v0.h[7]
        var cpu = Check(0x0E1F3C03, src, 0, 0x8786858483828180, 0x8F8E8D8C8B8A8988); // umov w3, v0.b[15]
        Assert.Equal(0x8FUL, cpu.X(3));
        cpu = Check(0x4E0E2C04, src, 0, 0x8786858483828180, 0x8F8E8D8C8B8A8988);     // smov x4, v0.h[3]
        Assert.Equal(0xFFFFFFFFFFFF8786UL, cpu.X(4));
        cpu = Check(0x4E183C05, src, 0, 0x8786858483828180, 0x8F8E8D8C8B8A8988);     // mov x5, v0.d[1]
        Assert.Equal(0x8F8E8D8C8B8A8988UL, cpu.X(5));
    }

    [Fact]
    public void BitCountsAndReversals()
    {
        Action<CpuCore> src = c => V(c, 0, 0x00FF0F0180000301);
        Check(0x4E20581C, src, 28, 0x0008040101000201, 0);                    // cnt .16b
        Check(0x6EA0481D, src, 29, 0x00000008_00000000, 0x00000020_00000020); // clz .4s
        Check(0x4E60481E, src, 30, 0x0007000300000005, 0x000F000F000F000F);   // cls .8h
        Check(0x2E60581F, src, 31, 0x00FFF0800100C080, 0);                    // rbit .8b
        Check(0x4E201802, src, 2, 0xFF00010F00800103, 0);                     // rev16 .16b
        Check(0x4EA00803, src, 3, 0x80000301_00FF0F01, 0);                    // rev64 .4s
        Check(0x6E200804, src, 4, 0x010FFF00_01030080, 0);                    // rev32 .16b (size:1 = 0)
        Check(0x6E600805, src, 5, 0x0F0100FF_03018000, 0);                    // rev32 .8h (size:1 = 1)
    }

    [Fact]
    public void AcrossLanes()
    {
        Action<CpuCore> src = c => V(c, 0, 0x0003_0002_0001_FFFF, 0x8000_0000_0000_8000);
        Check(0x4E71B804, src, 4, 0x0005, 0);                 // addv h4, v0.8h (wraps)
        Check(0x6E30A805, src, 5, 0xFF, 0);                   // umaxv b5, v0.16b
        Check(0x4EB03806, src, 6, 0xFFFFFFFF80058001, 0);     // saddlv d6, v0.4s
        Check(0x4EB1A807, src, 7, 0x80000000, 0);             // sminv s7, v0.4s
    }

    [Fact]
    public void MultipliesByElementAndSaturatingDoublingMultiplies()
    {
        // smull2 v8.4s, v0.8h, v1.h[7] with h[7] = -2
        Check(0x4F71A808, c => { V(c, 0, 0, 0x8000_7FFF_FFFF_0002); V(c, 1, 0, 0xFFFE_0000_0000_0000); },
            8, 0x00000002_FFFFFFFC, 0x00010000_FFFF0002);
        // umlal v9.2d, v0.2s, v1.s[3] = 0xFFFFFFFF
        Check(0x2FA12809, c => { V(c, 0, 0x00000002_FFFFFFFF); V(c, 1, 0, 0xFFFFFFFF_00000000); V(c, 9, 1, 2); },
            9, 0xFFFFFFFE00000002, 0x200000000);
        // sqdmulh v10.8h: (-32768)^2 saturates, 0x4000^2, -32768 * 32767
        Check(0x4E61B40A, c => { V(c, 0, 0x0000_8000_4000_8000); V(c, 1, 0x0000_7FFF_4000_8000); }, 10, 0x0000_8001_2000_7FFF, 0, qc: true);
        // sqdmlal s4, h0, h1: the doubled product saturates, then the accumulation saturates again
        Check(0x5E619004, c => { V(c, 0, 0x8000); V(c, 1, 0x8000); V(c, 4, 0x7FFFFFFF); }, 4, 0x7FFFFFFF, 0, qc: true);
    }

    [Fact]
    public void NarrowingKeepsOrClearsTheRightHalf()
    {
        // xtn2 v12.16b, v0.8h writes the upper half and keeps the lower
        Check(0x4E21280C, c => { V(c, 0, 0x0004_0003_0102_ABCD); V(c, 12, 0x1111111111111111, ulong.MaxValue); }, 12, 0x1111111111111111, 0x040302CD);
        Check(0x5EA1480D, c => V(c, 0, 0x1_0000_0000), 13, 0x7FFFFFFF, 0, qc: true);   // sqxtn s13, d0
        Check(0x7E21480E, c => V(c, 0, 0x0100), 14, 0xFF, 0, qc: true);                // uqxtn b14, h0
        // sqxtun v15.4h, v0.4s: -1 -> 0, 0x10000 -> FFFF, FFFF, 5
        Check(0x2E61280F, c => V(c, 0, 0x00010000_FFFFFFFF, 0x00000005_0000FFFF), 15, 0x0005_FFFF_FFFF_0000, 0, qc: true);
        // raddhn v3.8b: (7F80 + 80) >> 8 = 80, (FFFF + 1 + 80) >> 8 = 100 -> 00
        Check(0x2E214003, c => { V(c, 0, 0xFFFF_7F80); V(c, 1, 0x0001_0000); }, 3, 0x0080, 0);
    }

    [Fact]
    public void ComparesAndBitwiseSelect()
    {
        Check(0x6EA13C17, c => { V(c, 0, 0x00000000_00000005, 0x00000003_FFFFFFFF); V(c, 1, 0x00000001_00000005, 0x00000004_00000000); },
            23, 0x00000000_FFFFFFFF, 0x00000000_FFFFFFFF);                                   // cmhs .4s
        Check(0x5EE13418, c => { V(c, 0, ulong.MaxValue); V(c, 1, 0); }, 24, 0, 0);        // cmgt d24: -1 > 0 false
        Check(0x5EE13418, c => { V(c, 0, 1); V(c, 1, ulong.MaxValue); }, 24, ulong.MaxValue, 0);
        Check(0x4E20A819, c => V(c, 0, 0xFF007F80), 25, 0xFF0000FF, 0);                   // cmlt v25.16b, v0.16b, #0
        Check(0x6E611C1A, c => { V(c, 0, 0xAAAAAAAAAAAAAAAA, 1); V(c, 1, 0x5555555555555555, 2); V(c, 26, 0xFFFFFFFF00000000, 0); },
            26, 0xAAAAAAAA55555555, 2);                                                      // bsl
    }

    [Fact]
    public void PairwiseAndPolynomial()
    {
        Check(0x4EA1BC1B, c => { V(c, 0, 0x00000002_00000001, 0x00000004_00000003); V(c, 1, 0x00000014_0000000A, 0xFFFFFFFF_0000001E); },
            27, 0x00000007_00000003, 0x0000001D_0000001E);                                   // addp .4s
        Check(0x5EF1B81C, c => V(c, 0, ulong.MaxValue, 2), 28, 1, 0);                       // addp d28, v0.2d
        Check(0x6E219C1D, c => { V(c, 0, 0x80FF03); V(c, 1, 0x020203); }, 29, 0x00FE05, 0); // pmul .16b
        Check(0x0E21E01E, c => { V(c, 0, 0x80FF); V(c, 1, 0x80FF); }, 30, 0x4000_5555, 0);   // pmull .8h
    }

    [Fact]
    public void Pmull64NeedsTheFeature()
    {
        using (var h = NewHarness())
        {
            Step(h, 0x4EE1E01F); // pmull2 v31.1q, v0.2d, v1.2d
            Assert.Equal(0UL, h.Cpu.SysRegs.EsrEl1 >> 26);
        }
        Check(0x4EE1E01F, c => { V(c, 0, 0, ulong.MaxValue); V(c, 1, 0, ulong.MaxValue); }, 31, 0x5555555555555555, 0x5555555555555555,
            features: new CpuFeatures { FpSimd = true, Pmull = true });
        Check(0x4EE1E01F, c => { V(c, 0, 0, 1UL << 63); V(c, 1, 0, 1UL << 63); }, 31, 0, 1UL << 62,
            features: new CpuFeatures { FpSimd = true, Pmull = true });
    }

    [Fact]
    public void UnaryMiscSaturation()
    {
        Check(0x4E207807, c => V(c, 0, 0xFF80), 7, 0x017F, 0, qc: true);                                 // sqabs .16b
        Check(0x7EE07808, c => V(c, 0, 1UL << 63), 8, long.MaxValue, 0, qc: true);                        // sqneg d8
        Check(0x6E203809, c => { V(c, 0, 0xFE05); V(c, 9, 0x01FE); }, 9, 0x00FF, 0, qc: true);            // usqadd .16b
        Check(0x5E20380A, c => { V(c, 0, 0x05); V(c, 10, 0x7E); }, 10, 0x7F, 0, qc: true);               // suqadd b10
        Check(0x4E60680B, c => { V(c, 0, 0x7FFF_7FFF_FFFF_FFFF); V(c, 11, 1); }, 11, 0x0000FFFE_FFFFFFFF, 0); // sadalp .4s
        Check(0x2E215002, c => { V(c, 0, 0xFF00); V(c, 1, 0x00FF); V(c, 2, 0xFFFF_FFFF); }, 2, 0x00FE_00FE, 0); // uabal .8h
    }

    [Fact]
    public void UnsignedEstimates()
    {
        // urecpe: top bit clear -> all ones; 0x80000000 -> 511 << 23; 0xFFFFFFFF -> 256 << 23
        Check(0x4EA1C805, c => V(c, 0, 0xFFFFFFFF_80000000, 0x7FFFFFFF), 5, 0x80000000_FF800000, ulong.MaxValue);
        // ursqrte: top two bits clear -> all ones; 0x40000000 -> 511 << 23
        Check(0x2EA1C806, c => V(c, 0, 0x3FFFFFFF_40000000), 6, 0xFFFFFFFF_FF800000, 0);
    }
}
