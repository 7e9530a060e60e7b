using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Cpu.Tests.Dp;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Data-processing (1 source), (2 source) incl. CRC32, and (3 source), Arm ARM C4.1.67. Words assembled offline
/// with aarch64-linux-gnu-as (asm in the comments).
/// </summary>
public class DataProcessingSourceTests
{
    // ---- 1 source ----

    [Theory]
    [InlineData(0xDAC00020u /* rbit x0, x1 */, 1UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0xDAC00020u /* rbit x0, x1 */, 0x0123_4567_89AB_CDEFUL, 0xF7B3_D591_E6A2_C480UL)]
    [InlineData(0x5AC00020u /* rbit w0, w1 */, 0xFFFF_FFFF_0000_0001UL, 0x8000_0000UL)]
    [InlineData(0x5AC00020u /* rbit w0, w1 */, 0x1234_5678UL, 0x1E6A_2C48UL)]
    [InlineData(0xDAC00420u /* rev16 x0, x1 */, 0x0123_4567_89AB_CDEFUL, 0x2301_6745_AB89_EFCDUL)]
    [InlineData(0x5AC00420u /* rev16 w0, w1 */, 0xFFFF_FFFF_1234_5678UL, 0x3412_7856UL)]
    [InlineData(0xDAC00820u /* rev32 x0, x1 */, 0x0123_4567_89AB_CDEFUL, 0x6745_2301_EFCD_AB89UL)]
    [InlineData(0xDAC00C20u /* rev x0, x1 */, 0x0123_4567_89AB_CDEFUL, 0xEFCD_AB89_6745_2301UL)]
    [InlineData(0x5AC00820u /* rev w0, w1 */, 0xFFFF_FFFF_1234_5678UL, 0x7856_3412UL)]
    [InlineData(0xDAC01020u /* clz x0, x1 */, 0UL, 64UL)]
    [InlineData(0xDAC01020u /* clz x0, x1 */, 1UL, 63UL)]
    [InlineData(0xDAC01020u /* clz x0, x1 */, ~0UL, 0UL)]
    [InlineData(0x5AC01020u /* clz w0, w1 */, 0xFFFF_FFFF_0000_0000UL, 32UL)]
    [InlineData(0x5AC01020u /* clz w0, w1 */, 0x8000_0000UL, 0UL)]
    [InlineData(0xDAC01420u /* cls x0, x1 */, 0UL, 63UL)]
    [InlineData(0xDAC01420u /* cls x0, x1 */, ~0UL, 63UL)]
    [InlineData(0xDAC01420u /* cls x0, x1 */, 1UL, 62UL)]
    [InlineData(0xDAC01420u /* cls x0, x1 */, 0x8000_0000_0000_0000UL, 0UL)]
    [InlineData(0xDAC01420u /* cls x0, x1 */, 0x4000_0000_0000_0000UL, 0UL)]
    [InlineData(0xDAC01420u /* cls x0, x1 */, 0xC000_0000_0000_0000UL, 1UL)]
    [InlineData(0x5AC01420u /* cls w0, w1 */, 0UL, 31UL)]
    [InlineData(0x5AC01420u /* cls w0, w1 */, 0xFFFF_FFFFUL, 31UL)]
    [InlineData(0x5AC01420u /* cls w0, w1 */, 0x0000_0000_FFFF_0000UL, 15UL)]
    [InlineData(0x5AC01420u /* cls w0, w1 */, 0x7FFF_FFFFUL, 0UL)]
    public void OneSource(uint word, ulong x1, ulong expected)
    {
        using var h = Run(word, c => c.SetX(1, x1));
        Assert.Equal(expected, h.Cpu.X(0));
    }

    // ---- 2 source: division ----

    [Theory]
    [InlineData(0x9AC20820u /* udiv x0, x1, x2 */, 7UL, 0UL, 0UL)]
    [InlineData(0x9AC20820u /* udiv x0, x1, x2 */, ~0UL, 1UL, ~0UL)]
    [InlineData(0x9AC20820u /* udiv x0, x1, x2 */, ~0UL, ~0UL, 1UL)]
    [InlineData(0x9AC20820u /* udiv x0, x1, x2 */, 0x8000_0000_0000_0000UL, 3UL, 0x2AAA_AAAA_AAAA_AAAAUL)]
    [InlineData(0x1AC20820u /* udiv w0, w1, w2 */, 0xFFFF_FFFFUL, 0x1_0000_0000UL, 0UL)]      // divisor W2 = 0
    [InlineData(0x1AC20820u /* udiv w0, w1, w2 */, 0x1_FFFF_FFFFUL, 2UL, 0x7FFF_FFFFUL)]
    [InlineData(0x9AC20C20u /* sdiv x0, x1, x2 */, 7UL, 0UL, 0UL)]
    [InlineData(0x9AC20C20u /* sdiv x0, x1, x2 */, 0x8000_0000_0000_0000UL, ~0UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x9AC20C20u /* sdiv x0, x1, x2 */, 0x8000_0000_0000_0000UL, 1UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x9AC20C20u /* sdiv x0, x1, x2 */, unchecked((ulong)-7L), 2UL, unchecked((ulong)-3L))]          // rounds toward zero
    [InlineData(0x9AC20C20u /* sdiv x0, x1, x2 */, 7UL, unchecked((ulong)-2L), unchecked((ulong)-3L))]
    [InlineData(0x9AC20C20u /* sdiv x0, x1, x2 */, 5UL, ~0UL, unchecked((ulong)-5L))]
    [InlineData(0x1AC20C20u /* sdiv w0, w1, w2 */, 0x8000_0000UL, 0xFFFF_FFFFUL, 0x8000_0000UL)]
    [InlineData(0x1AC20C20u /* sdiv w0, w1, w2 */, 0x8000_0000UL, 0xFFFF_FFFF_0000_0000UL, 0UL)]
    [InlineData(0x1AC20C20u /* sdiv w0, w1, w2 */, 0xFFFF_FFF9UL, 2UL, 0xFFFF_FFFDUL)]
    [InlineData(0x1AC20C20u /* sdiv w0, w1, w2 */, 0x7FFF_FFFFUL, 0xFFFF_FFFFUL, 0x8000_0001UL)]
    public void Division(uint word, ulong x1, ulong x2, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); });
        Assert.Equal(expected, h.Cpu.X(0));
    }

    // ---- 2 source: variable shifts (amount = Rm MOD datasize) ----

    [Theory]
    [InlineData(0x9AC22020u /* lsl x0, x1, x2 */, 1UL, 63UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x9AC22020u /* lsl x0, x1, x2 */, 1UL, 64UL, 1UL)]
    [InlineData(0x9AC22020u /* lsl x0, x1, x2 */, 3UL, 0xFFFF_FFFF_FFFF_FFC1UL, 6UL)]
    [InlineData(0x9AC22420u /* lsr x0, x1, x2 */, 0x8000_0000_0000_0000UL, 63UL, 1UL)]
    [InlineData(0x9AC22420u /* lsr x0, x1, x2 */, ~0UL, 0UL, ~0UL)]
    [InlineData(0x9AC22820u /* asr x0, x1, x2 */, 0x8000_0000_0000_0000UL, 63UL, ~0UL)]
    [InlineData(0x9AC22820u /* asr x0, x1, x2 */, 0x8000_0000_0000_0000UL, 128UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x9AC22C20u /* ror x0, x1, x2 */, 1UL, 1UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x9AC22C20u /* ror x0, x1, x2 */, 0x1234UL, 64UL, 0x1234UL)]
    [InlineData(0x9AC22C20u /* ror x0, x1, x2 */, 0x8000_0000_0000_0001UL, 65UL, 0xC000_0000_0000_0000UL)]
    [InlineData(0x1AC22020u /* lsl w0, w1, w2 */, 1UL, 31UL, 0x8000_0000UL)]
    [InlineData(0x1AC22020u /* lsl w0, w1, w2 */, 0xFFFF_FFFF_0000_0001UL, 32UL, 1UL)]
    [InlineData(0x1AC22420u /* lsr w0, w1, w2 */, 0xFFFF_FFFF_8000_0000UL, 31UL, 1UL)]
    [InlineData(0x1AC22420u /* lsr w0, w1, w2 */, 0xFFFF_FFFFUL, 0x1_0000_0020UL, 0xFFFF_FFFFUL)]
    [InlineData(0x1AC22820u /* asr w0, w1, w2 */, 0x8000_0000UL, 31UL, 0xFFFF_FFFFUL)]
    [InlineData(0x1AC22820u /* asr w0, w1, w2 */, 0x8000_0000UL, 33UL, 0xC000_0000UL)]
    [InlineData(0x1AC22C20u /* ror w0, w1, w2 */, 1UL, 1UL, 0x8000_0000UL)]
    [InlineData(0x1AC22C20u /* ror w0, w1, w2 */, 0xFFFF_FFFF_0000_0003UL, 0UL, 3UL)]
    public void VariableShift(uint word, ulong x1, ulong x2, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); });
        Assert.Equal(expected, h.Cpu.X(0));
    }

    // ---- CRC32 ----

    private static readonly uint[] Crc32Check =
    {
        0x12800000u /* movn w0, #0 */,                      // acc = 0xFFFFFFFF
        0x9AC14C00u /* crc32x w0, w0, x1 */,                // "12345678"
        0x1AC24000u /* crc32b w0, w0, w2 */,                // "9"
        0x2A2003E0u /* mvn w0, w0 */,
    };

    private static readonly uint[] Crc32CCheck =
    {
        0x12800000u /* movn w0, #0 */,
        0x9AC15C00u /* crc32cx w0, w0, x1 */,
        0x1AC25000u /* crc32cb w0, w0, w2 */,
        0x2A2003E0u /* mvn w0, w0 */,
    };

    private static readonly uint[] Crc32CheckNarrow =
    {
        0x12800000u /* movn w0, #0 */,
        0x1AC34800u /* crc32w w0, w0, w3 */,                // "1234"
        0x1AC44400u /* crc32h w0, w0, w4 */,                // "56"
        0x1AC54400u /* crc32h w0, w0, w5 */,                // "78"
        0x1AC24000u /* crc32b w0, w0, w2 */,                // "9"
        0x2A2003E0u /* mvn w0, w0 */,
    };

    private static readonly uint[] Crc32CCheckNarrow =
    {
        0x12800000u /* movn w0, #0 */,
        0x1AC35800u /* crc32cw w0, w0, w3 */,
        0x1AC45400u /* crc32ch w0, w0, w4 */,
        0x1AC55400u /* crc32ch w0, w0, w5 */,
        0x1AC25000u /* crc32cb w0, w0, w2 */,
        0x2A2003E0u /* mvn w0, w0 */,
    };

    private static void LoadCheckString(CpuCore c)
    {
        c.SetX(1, 0x3837_3635_3433_3231UL);      // "12345678", little-endian
        c.SetX(2, 0xFFFF_FFFF_FFFF_FF39UL);      // "9" (upper bytes must be ignored)
        c.SetX(3, 0xFFFF_FFFF_3433_3231UL);      // "1234"
        c.SetX(4, 0xFFFF_FFFF_FFFF_3635UL);      // "56"
        c.SetX(5, 0x1234_5678_9ABC_3837UL);      // "78"
    }

    [Fact]
    public void Crc32OfTheCheckString()
    {
        using (var h = RunProgram(LoadCheckString, Crc32Check)) Assert.Equal(0xCBF4_3926UL, h.Cpu.X(0));
        using (var h = RunProgram(LoadCheckString, Crc32CheckNarrow)) Assert.Equal(0xCBF4_3926UL, h.Cpu.X(0));
    }

    [Fact]
    public void Crc32COfTheCheckString()
    {
        using (var h = RunProgram(LoadCheckString, Crc32CCheck)) Assert.Equal(0xE306_9283UL, h.Cpu.X(0));
        using (var h = RunProgram(LoadCheckString, Crc32CCheckNarrow)) Assert.Equal(0xE306_9283UL, h.Cpu.X(0));
    }

    /// <summary>The ASL's Poly32Mod2 on bit-reversed operands, computed one bit at a time (reflected, no inversion).</summary>
    private static uint CrcRef(uint acc, ulong val, int bytes, uint reflectedPoly)
    {
        for (int i = 0; i < bytes * 8; i++)
        {
            uint bit = (acc ^ (uint)(val >> i)) & 1;
            acc = (acc >> 1) ^ (bit != 0 ? reflectedPoly : 0);
        }
        return acc;
    }

    [Fact]
    public void Crc32InstructionsMatchTheBitwiseDefinition()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var gen = from acc in Value64 from val in Value64 from size in Gen.Choose(0, 3) from castagnoli in Gen.Elements(false, true)
                  select (acc, val, size, castagnoli);
        Property(gen.ToArbitrary(), t =>
        {
            var (acc, val, size, castagnoli) = t;
            uint word = (size == 3 ? 0x8000_0000u : 0) | 0x1AC0_4000u | 2 << 16 | (castagnoli ? 0x1000u : 0) | (uint)size << 10 | 1 << 5;
            c.SetX(1, acc); c.SetX(2, val); c.SetX(0, Poison);
            Exec(c, word);
            return c.X(0) == CrcRef((uint)acc, val, 1 << size, castagnoli ? 0x82F6_3B78u : 0xEDB8_8320u);
        });
    }

    [Fact]
    public void Crc32IsUndefinedWithoutFeatCrc32()
    {
        using var h = new CpuHarness(new CpuFeatures { Crc32 = false });
        foreach (uint word in new[] { 0x1AC24020u /* crc32b w0, w1, w2 */, 0x9AC24C20u /* crc32x w0, w1, x2 */, 0x1AC25420u /* crc32ch w0, w1, w2 */, 0x9AC25C20u /* crc32cx w0, w1, x2 */ })
        {
            h.Cpu.SetX(0, Poison);
            h.Cpu.SysRegs.EsrEl1 = 0xFFFF_FFFF;
            h.Load(CpuHarness.CodeBase, word);
            h.Cpu.Pc = CpuHarness.CodeBase;
            h.Cpu.Run(1);
            Assert.Equal(0u, (uint)(h.Cpu.SysRegs.EsrEl1 >> 26));
            Assert.Equal(CpuHarness.CodeBase, h.Cpu.SysRegs.ElrEl1);
            Assert.Equal(CpuHarness.VectorBase + 0x200, h.Cpu.Pc);
            Assert.Equal(Poison, h.Cpu.X(0));
        }
    }

    // ---- 3 source ----

    [Theory]
    [InlineData(0x9B020C20u /* madd x0, x1, x2, x3 */, 3UL, 5UL, 7UL, 22UL)]
    [InlineData(0x9B020C20u /* madd x0, x1, x2, x3 */, ~0UL, ~0UL, ~0UL, 0UL)]
    [InlineData(0x9B027C20u /* mul x0, x1, x2 */, 0x1_0000_0000UL, 0x1_0000_0000UL, 9UL, 0UL)]
    [InlineData(0x9B028C20u /* msub x0, x1, x2, x3 */, 3UL, 5UL, 7UL, unchecked((ulong)-8L))]
    [InlineData(0x9B02FC20u /* mneg x0, x1, x2 */, 0x8000_0000_0000_0000UL, 1UL, 0UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x1B020C20u /* madd w0, w1, w2, w3 */, 0xFFFF_FFFF_0001_0000UL, 0x1_0000UL, 5UL, 5UL)]
    [InlineData(0x1B027C20u /* mul w0, w1, w2 */, 0xFFFF_FFFFUL, 0xFFFF_FFFFUL, 0UL, 1UL)]
    [InlineData(0x1B028C20u /* msub w0, w1, w2, w3 */, 1UL, 1UL, 0UL, 0xFFFF_FFFFUL)]
    [InlineData(0x9B220C20u /* smaddl x0, w1, w2, x3 */, 0xFFFF_FFFFUL, 0xFFFF_FFFFUL, 10UL, 11UL)]
    [InlineData(0x9B227C20u /* smull x0, w1, w2 */, 0x8000_0000UL, 0x8000_0000UL, 0UL, 0x4000_0000_0000_0000UL)]
    [InlineData(0x9B227C20u /* smull x0, w1, w2 */, 0x1_8000_0000UL, 2UL, 0UL, 0xFFFF_FFFF_0000_0000UL)]
    [InlineData(0x9B228C20u /* smsubl x0, w1, w2, x3 */, 0xFFFF_FFFFUL, 1UL, 0UL, 1UL)]
    [InlineData(0x9BA20C20u /* umaddl x0, w1, w2, x3 */, 0xFFFF_FFFFUL, 0xFFFF_FFFFUL, 1UL, 0xFFFF_FFFE_0000_0002UL)]
    [InlineData(0x9BA27C20u /* umull x0, w1, w2 */, 0xFFFF_FFFF_0000_0002UL, 3UL, 0UL, 6UL)]
    [InlineData(0x9BA28C20u /* umsubl x0, w1, w2, x3 */, 0xFFFF_FFFFUL, 1UL, 0UL, 0xFFFF_FFFF_0000_0001UL)]
    [InlineData(0x9B427C20u /* smulh x0, x1, x2 */, ~0UL, ~0UL, 0UL, 0UL)]
    [InlineData(0x9B427C20u /* smulh x0, x1, x2 */, ~0UL, 1UL, 0UL, ~0UL)]
    [InlineData(0x9B427C20u /* smulh x0, x1, x2 */, 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, 0UL, 0x4000_0000_0000_0000UL)]
    [InlineData(0x9B427C20u /* smulh x0, x1, x2 */, 0x8000_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL, 0UL, 0xC000_0000_0000_0000UL)]
    [InlineData(0x9BC27C20u /* umulh x0, x1, x2 */, ~0UL, ~0UL, 0UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData(0x9BC27C20u /* umulh x0, x1, x2 */, 0x8000_0000_0000_0000UL, 2UL, 0UL, 1UL)]
    public void ThreeSource(uint word, ulong x1, ulong x2, ulong x3, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.SetX(3, x3); });
        Assert.Equal(expected, h.Cpu.X(0));
    }

    [Fact]
    public void MultiplyHighMatchesWideArithmetic()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        Property(Pairs, t =>
        {
            var (x, y) = t;
            c.SetX(1, x); c.SetX(2, y);
            Exec(c, 0x9B427C20u /* smulh x0, x1, x2 */);
            Exec(c, 0x9BC27C24u /* umulh x4, x1, x2 */);
            return c.X(0) == (ulong)(((Int128)(long)x * (long)y) >> 64) && c.X(4) == (ulong)(((UInt128)x * y) >> 64);
        });
    }
}
