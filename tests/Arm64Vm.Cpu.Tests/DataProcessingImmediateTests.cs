using Arm64Vm.Cpu.Execution;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Cpu.Tests.Dp;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Data processing -- immediate (Arm ARM C4.1.66). Words were assembled offline with aarch64-linux-gnu-as; the
/// assembly is in the comment next to each word.
/// </summary>
public class DataProcessingImmediateTests
{
    private const ulong Sp0 = 0x4010_8000;

    // ---- PC-rel. addressing ----

    [Fact]
    public void AdrAndAdrpArePcRelative()
    {
        const uint nop = 0xD503201Fu;
        using var h = RunProgram(c => c.SetX(2, Poison), nop,
            0x10000020u /* adr x0, .+4 */,
            0x10800001u /* adr x1, .-1048576 */,
            0x707FFFE3u /* adr x3, .+1048575 */,
            0xB0000004u /* adrp x4, .+4096 (objdump: adrp x4, 0x1000) */,
            0xF0FFFFE5u /* adrp x5, .-4096 (objdump: adrp x5, -0x1000) */,
            0x9080001Du /* adrp x29, .-4294967296 (objdump: adrp x29, -0x100000000) */,
            0x1000005Fu /* adr xzr, .+8 */);
        var c = h.Cpu;
        const ulong b = CpuHarness.CodeBase;
        Assert.Equal(b + 4 + 4, c.X(0));
        Assert.Equal(b + 8 - 1048576, c.X(1));
        Assert.Equal(b + 12 + 1048575, c.X(3));
        Assert.Equal((b & ~0xFFFUL) + 0x1000, c.X(4));
        Assert.Equal((b & ~0xFFFUL) - 0x1000, c.X(5));
        Assert.Equal(unchecked((b & ~0xFFFUL) - 0x1_0000_0000UL), c.X(29));
        Assert.Equal(Poison, c.X(2));
    }

    // ---- Add/subtract (immediate) ----

    [Theory]
    // 64-bit: carry out, signed overflow, shifted immediate, no flags for ADD/SUB.
    [InlineData(0x91000420u /* add x0, x1, #1 */, ~0UL, 0UL, 0u, false)]
    [InlineData(0x917FFC20u /* add x0, x1, #4095, lsl #12 */, 1UL, 0xFFF001UL, 0u, false)]
    [InlineData(0xD1000420u /* sub x0, x1, #1 */, 0UL, ~0UL, 0u, false)]
    [InlineData(0xB1000420u /* adds x0, x1, #1 */, ~0UL, 0UL, Z | C, true)]
    [InlineData(0xB1000420u /* adds x0, x1, #1 */, 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL, N | V, true)]
    [InlineData(0xB1000020u /* adds x0, x1, #0 */, 0UL, 0UL, Z, true)]
    [InlineData(0xF1000420u /* subs x0, x1, #1 */, 0UL, ~0UL, N, true)]
    [InlineData(0xF1000420u /* subs x0, x1, #1 */, 1UL, 0UL, Z | C, true)]
    [InlineData(0xF1000420u /* subs x0, x1, #1 */, 0x8000_0000_0000_0000UL, 0x7FFF_FFFF_FFFF_FFFFUL, C | V, true)]
    [InlineData(0xF17FFC20u /* subs x0, x1, #4095, lsl #12 */, 0xFFF000UL, 0UL, Z | C, true)]
    // 32-bit: the upper half of Xn is ignored and Xd's upper half becomes zero.
    [InlineData(0x11000420u /* add w0, w1, #1 */, 0xFFFF_FFFF_FFFF_FFFFUL, 0UL, 0u, false)]
    [InlineData(0x51000420u /* sub w0, w1, #1 */, 0xFFFF_FFFF_0000_0000UL, 0xFFFF_FFFFUL, 0u, false)]
    [InlineData(0x31000420u /* adds w0, w1, #1 */, 0xFFFF_FFFF_FFFF_FFFFUL, 0UL, Z | C, true)]
    [InlineData(0x31000420u /* adds w0, w1, #1 */, 0x7FFF_FFFFUL, 0x8000_0000UL, N | V, true)]
    [InlineData(0x71000420u /* subs w0, w1, #1 */, 0xFFFF_FFFF_0000_0000UL, 0xFFFF_FFFFUL, N, true)]
    [InlineData(0x71000420u /* subs w0, w1, #1 */, 0x8000_0000UL, 0x7FFF_FFFFUL, C | V, true)]
    [InlineData(0x717FFC20u /* subs w0, w1, #4095, lsl #12 */, 0x1_00FF_F000UL, 0UL, Z | C, true)]
    public void AddSubImmediate(uint word, ulong x1, ulong expected, uint nzcv, bool setsFlags)
    {
        const uint before = N | Z | C | V;
        using var h = Run(word, c => { c.SetX(1, x1); c.Nzcv = before; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(setsFlags ? nzcv : before, h.Cpu.Nzcv);
    }

    [Fact]
    public void AddSubImmediateRegister31IsSpExceptAsFlagSettingDestination()
    {
        using var h = RunProgram(c => { c.SpEl1 = Sp0; c.SetX(1, 0x1234); },
            0x910003E0u /* mov x0, sp */,                  // ADD x0, sp, #0
            0xD10403FFu /* sub sp, sp, #0x100 */,
            0x910003E2u /* mov x2, sp */,
            0xF14043FFu /* cmp sp, #0x10, lsl #12 */,      // SUBS xzr, sp, #0x10000: reads SP, writes ZR
            0xB10007FFu /* cmn sp, #1 (adds xzr, sp, #1) */, // CMN: must not write SP
            0x9100003Fu /* mov sp, x1 */,
            0x910007E3u /* add x3, sp, #1 */);
        var c = h.Cpu;
        Assert.Equal(Sp0, c.X(0));
        Assert.Equal(Sp0 - 0x100, c.X(2));
        Assert.Equal(0x1234UL, c.SpEl1);
        Assert.Equal(0x1235UL, c.X(3));
        Assert.Equal(0UL, c.X(31));
        Assert.Equal(0u, c.Nzcv);                // SP + 1: no flags (0x4010_7F01)
    }

    [Fact]
    public void AddImmediate32BitToWspZeroExtends()
    {
        using var h = RunProgram(c => c.SpEl1 = 0xFFFF_FFFF_FFFF_FFFFUL,
            0x110007FFu /* add wsp, wsp, #1 */,
            0x910003E0u /* mov x0, sp */,
            0x510007FFu /* sub wsp, wsp, #1 */,
            0x110003E1u /* mov w1, wsp */);
        Assert.Equal(0UL, h.Cpu.X(0));
        Assert.Equal(0xFFFF_FFFFUL, h.Cpu.SpEl1);
        Assert.Equal(0xFFFF_FFFFUL, h.Cpu.X(1));
    }

    [Fact]
    public void AddsSubsImmediateMatchAddWithCarry()
    {
        var gen = from x in Value64 from imm in Gen.Choose(0, 0xFFF) from op in Gen.Elements(0u, 1u, 2u, 3u) from sh in Gen.Elements(0u, 1u)
                  select (x, imm, op, sh);
        using var h = new CpuHarness();
        var c = h.Cpu;
        Property(gen.ToArbitrary(), t =>
        {
            var (x, imm, op, sh) = t;
            bool sf = (op & 1) != 0, sub = (op & 2) != 0;
            uint word = (sf ? 0x8000_0000u : 0) | (sub ? 0x4000_0000u : 0) | 0x3100_0000u | sh << 22 | (uint)imm << 10 | 1 << 5 | 2;
            c.SetX(1, x);
            Exec(c, word);
            ulong y = (ulong)imm << (int)(sh * 12);
            var (r, nzcv) = AddWithCarryRef(x, sub ? ~y : y, sub, sf ? 64 : 32);
            return c.X(2) == r && c.Nzcv == nzcv;
        });
    }

    // ---- Logical (immediate) ----

    /// <summary>DecodeBitMasks written bit by bit from the ASL, as the reference for the fast implementation.</summary>
    private static ulong? BitMaskRef(uint n, uint imms, uint immr, int datasize)
    {
        uint combined = (n << 6) | (~imms & 0x3F);
        int len = -1;
        for (int i = 6; i >= 0; i--) if (((combined >> i) & 1) != 0) { len = i; break; }
        if (len < 1) return null;
        if ((1 << len) > datasize) return null;
        uint levels = (1u << len) - 1;
        uint s = imms & levels, r = immr & levels;
        if (s == levels) return null;
        int esize = 1 << len;
        var elem = new bool[esize];
        for (int i = 0; i <= s; i++) elem[i] = true;
        var rotated = new bool[esize];
        for (int i = 0; i < esize; i++) rotated[i] = elem[(i + (int)r) % esize];   // ROR(elem, r)
        ulong mask = 0;
        for (int i = 0; i < datasize; i++) if (rotated[i % esize]) mask |= 1UL << i;
        return mask;
    }

    [Fact]
    public void DecodeBitMasksMatchesTheAslForEveryEncoding()
    {
        int valid = 0;
        foreach (int datasize in new[] { 32, 64 })
            for (uint n = 0; n < 2; n++)
                for (uint imms = 0; imms < 64; imms++)
                    for (uint immr = 0; immr < 64; immr++)
                    {
                        ulong? expected = BitMaskRef(n, imms, immr, datasize);
                        bool ok = A64Exec.TryDecodeBitMask(n, imms, immr, datasize, out ulong mask);
                        Assert.Equal(expected.HasValue, ok);
                        if (!ok) continue;
                        valid++;
                        Assert.True(expected == mask, $"N={n} imms={imms} immr={immr} M={datasize}: 0x{mask:X} != 0x{expected:X}");
                        uint word = (datasize == 64 ? 0x8000_0000u : 0) | 0x1200_0000u | n << 22 | immr << 16 | imms << 10;
                        Assert.True(A64Exec.LogicalImmValid(word));
                        Assert.Equal(mask, A64Exec.LogicalImm(word));
                    }
        // Valid encodings (immr is never reserved): N=1: 63 * 64; N=0: (31 + 15 + 7 + 3 + 1) * 64, for 32-bit too.
        Assert.Equal(63 * 64 + 57 * 64 + 57 * 64, valid);
    }

    [Theory]
    // Every element size (2..64) and rotations 0, 1 and esize-1.
    [InlineData(0x9200F020u /* and x0, x1, #0x5555555555555555 */, ~0UL, 0x5555_5555_5555_5555UL)]
    [InlineData(0x9201F020u /* and x0, x1, #0xaaaaaaaaaaaaaaaa */, ~0UL, 0xAAAA_AAAA_AAAA_AAAAUL)]
    [InlineData(0x9200E820u /* and x0, x1, #0x7777777777777777 */, ~0UL, 0x7777_7777_7777_7777UL)]
    [InlineData(0x9201E020u /* and x0, x1, #0x8888888888888888 */, ~0UL, 0x8888_8888_8888_8888UL)]
    [InlineData(0x92098420u /* and x0, x1, #0x0180018001800180 */, ~0UL, 0x0180_0180_0180_0180UL)]
    [InlineData(0x92018420u /* and x0, x1, #0x8001800180018001 */, ~0UL, 0x8001_8001_8001_8001UL)]
    [InlineData(0x92103820u /* and x0, x1, #0x7fff00007fff0000 */, ~0UL, 0x7FFF_0000_7FFF_0000UL)]
    [InlineData(0x92009C20u /* and x0, x1, #0x00ff00ff00ff00ff */, ~0UL, 0x00FF_00FF_00FF_00FFUL)]
    [InlineData(0x92010420u /* and x0, x1, #0x8000000180000001 */, ~0UL, 0x8000_0001_8000_0001UL)]
    [InlineData(0x92607C20u /* and x0, x1, #0xffffffff00000000 */, ~0UL, 0xFFFF_FFFF_0000_0000UL)]
    [InlineData(0x92410420u /* and x0, x1, #0x8000000000000001 */, ~0UL, 0x8000_0000_0000_0001UL)]
    [InlineData(0x9240F820u /* and x0, x1, #0x7fffffffffffffff */, ~0UL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData(0x927FF820u /* and x0, x1, #0xfffffffffffffffe */, ~0UL, 0xFFFF_FFFF_FFFF_FFFEUL)]
    [InlineData(0x92400020u /* and x0, x1, #1 */, 0x8000_0000_0000_0001UL, 1UL)]
    [InlineData(0xB200F3E0u /* orr x0, xzr, #0x5555555555555555 */, 0UL, 0x5555_5555_5555_5555UL)]
    [InlineData(0xB2410020u /* orr x0, x1, #0x8000000000000000 */, 1UL, 0x8000_0000_0000_0001UL)]
    [InlineData(0xD2407C20u /* eor x0, x1, #0xffffffff */, ~0UL, 0xFFFF_FFFF_0000_0000UL)]
    // 32-bit: result zero-extended, Wn's upper half ignored.
    [InlineData(0x12001C20u /* and w0, w1, #0xff */, ~0UL, 0xFFUL)]
    [InlineData(0x12010020u /* and w0, w1, #0x80000000 */, ~0UL, 0x8000_0000UL)]
    [InlineData(0x121F7420u /* and w0, w1, #0x7ffffffe */, ~0UL, 0x7FFF_FFFEUL)]
    [InlineData(0x3200F020u /* orr w0, w1, #0x55555555 */, 0xFFFF_FFFF_0000_0000UL, 0x5555_5555UL)]
    [InlineData(0x321F7820u /* orr w0, w1, #0xfffffffe */, 1UL, 0xFFFF_FFFFUL)]
    [InlineData(0x5200CC20u /* eor w0, w1, #0x0f0f0f0f */, 0xFFFF_FFFF_FFFF_FFFFUL, 0xF0F0_F0F0UL)]
    public void LogicalImmediate(uint word, ulong x1, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.Nzcv = N | Z | C | V; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(N | Z | C | V, h.Cpu.Nzcv);
    }

    [Theory]
    [InlineData(0xF2410020u /* ands x0, x1, #0x8000000000000000 */, ~0UL, 0x8000_0000_0000_0000UL, N)]
    [InlineData(0xF240F820u /* ands x0, x1, #0x7fffffffffffffff */, 0x8000_0000_0000_0000UL, 0UL, Z)]
    [InlineData(0x72010020u /* ands w0, w1, #0x80000000 */, ~0UL, 0x8000_0000UL, N)]
    [InlineData(0x72007820u /* ands w0, w1, #0x7fffffff */, 0xFFFF_FFFF_8000_0000UL, 0UL, Z)]
    [InlineData(0x72000020u /* ands w0, w1, #1 */, 1UL, 1UL, 0u)]
    public void AndsImmediateSetsNZAndClearsCV(uint word, ulong x1, ulong expected, uint nzcv)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.Nzcv = C | V; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(nzcv, h.Cpu.Nzcv);
    }

    [Fact]
    public void LogicalImmediateRegister31IsSpExceptForAnds()
    {
        using var h = RunProgram(c => { c.SpEl1 = Sp0; c.SetX(1, 0x4010_7FFF); },
            0x927CEC3Fu /* and sp, x1, #0xfffffffffffffff0 */,
            0x910003E2u /* mov x2, sp */,
            0x321003FFu /* orr wsp, wzr, #0x10000 */,
            0x910003E3u /* mov x3, sp */,
            0xF2400C3Fu /* tst x1, #0xf */,                 // ANDS xzr: SP untouched
            0x910003E4u /* mov x4, sp */,
            0xB27C0FE5u /* orr x5, xzr, #0xf0 */);          // Rn = 31 is ZR, not SP
        var c = h.Cpu;
        Assert.Equal(0x4010_7FF0UL, c.X(2));
        Assert.Equal(0x10000UL, c.X(3));
        Assert.Equal(0x10000UL, c.X(4));
        Assert.Equal(0xF0UL, c.X(5));
        Assert.Equal(0u, c.Nzcv);
    }

    // ---- Move wide ----

    [Theory]
    [InlineData(0xD2800000u /* movz x0, #0 */, 0UL)]
    [InlineData(0xD2FFFFE0u /* movz x0, #0xffff, lsl #48 */, 0xFFFF_0000_0000_0000UL)]
    [InlineData(0xD2A24680u /* movz x0, #0x1234, lsl #16 */, 0x1234_0000UL)]
    [InlineData(0x52BFFFE0u /* movz w0, #0xffff, lsl #16 */, 0xFFFF_0000UL)]
    [InlineData(0x52800020u /* movz w0, #1 */, 1UL)]
    [InlineData(0x92800000u /* movn x0, #0 */, ~0UL)]
    [InlineData(0x92F00000u /* movn x0, #0x8000, lsl #48 */, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData(0x92DFFFE0u /* movn x0, #0xffff, lsl #32 */, 0xFFFF_0000_FFFF_FFFFUL)]
    [InlineData(0x12800000u /* movn w0, #0 */, 0xFFFF_FFFFUL)]
    [InlineData(0x12B00000u /* movn w0, #0x8000, lsl #16 */, 0x7FFF_FFFFUL)]
    [InlineData(0xF2824680u /* movk x0, #0x1234 */, 0xDEAD_BEEF_CAFE_1234UL)]
    [InlineData(0xF2E00000u /* movk x0, #0, lsl #48 */, 0x0000_BEEF_CAFE_F00DUL)]
    [InlineData(0xF2DFFFE0u /* movk x0, #0xffff, lsl #32 */, 0xDEAD_FFFF_CAFE_F00DUL)]
    [InlineData(0x72824680u /* movk w0, #0x1234 */, 0xCAFE_1234UL)]
    [InlineData(0x72A24680u /* movk w0, #0x1234, lsl #16 */, 0x1234_F00DUL)]
    public void MoveWide(uint word, ulong expected)
    {
        using var h = Run(word);                 // X0 starts as Poison = 0xDEADBEEF_CAFEF00D
        Assert.Equal(expected, h.Cpu.X(0));
    }

    [Fact]
    public void MoveWideToZrIsDiscarded()
    {
        using var h = RunProgram(c => c.SpEl1 = Sp0, 0xD282469Fu /* movz xzr, #0x1234 */, 0xF2A0003Fu /* movk xzr, #1, lsl #16 */, 0x910003E1u /* mov x1, sp */);
        Assert.Equal(0UL, h.Cpu.X(31));
        Assert.Equal(Sp0, h.Cpu.X(1));
    }

    // ---- Bitfield ----

    [Theory]
    // UBFM aliases, shift amounts 0 and max.
    [InlineData(0xD340FC20u /* lsr x0, x1, #0 (= lsl x0, x1, #0) */, 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [InlineData(0xD3410020u /* lsl x0, x1, #63 */, 0x3UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0xD37FFC20u /* lsr x0, x1, #63 */, 0x8000_0000_0000_0000UL, 1UL)]
    [InlineData(0xD341FC20u /* lsr x0, x1, #1 */, ~0UL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData(0x53010020u /* lsl w0, w1, #31 */, 0xFFFF_FFFF_FFFF_FFFFUL, 0x8000_0000UL)]
    [InlineData(0x53007C20u /* lsr w0, w1, #0 (= lsl w0, w1, #0) */, 0xFFFF_FFFF_8000_0001UL, 0x8000_0001UL)]
    [InlineData(0x531F7C20u /* lsr w0, w1, #31 */, 0xFFFF_FFFF_8000_0000UL, 1UL)]
    [InlineData(0xD37CFC20u /* lsr x0, x1, #60 (= ubfx x0, x1, #60, #4) */, 0xA000_0000_0000_0000UL, 0xAUL)]
    [InlineData(0xD340FC20u /* lsr x0, x1, #0 (= ubfx x0, x1, #0, #64) */, 0xF000_0000_0000_000FUL, 0xF000_0000_0000_000FUL)]
    [InlineData(0x53031C20u /* ubfx w0, w1, #3, #5 */, 0xFFUL, 0x1FUL)]
    [InlineData(0xD37E7420u /* ubfiz x0, x1, #2, #30 */, ~0UL, 0xFFFF_FFFCUL)]
    [InlineData(0x53010020u /* lsl w0, w1, #31 (= ubfiz w0, w1, #31, #1) */, 0x3UL, 0x8000_0000UL)]
    [InlineData(0x53001C20u /* uxtb w0, w1 */, 0x1FFUL, 0xFFUL)]
    [InlineData(0x53003C20u /* uxth w0, w1 */, 0xFFFF_FFFF_FFFF_8001UL, 0x8001UL)]
    // SBFM aliases.
    [InlineData(0x937FFC20u /* asr x0, x1, #63 */, 0x8000_0000_0000_0000UL, ~0UL)]
    [InlineData(0x937FFC20u /* asr x0, x1, #63 */, 0x7FFF_FFFF_FFFF_FFFFUL, 0UL)]
    [InlineData(0x9344FC20u /* asr x0, x1, #4 */, 0x8000_0000_0000_0000UL, 0xF800_0000_0000_0000UL)]
    [InlineData(0x131F7C20u /* asr w0, w1, #31 */, 0x8000_0000UL, 0xFFFF_FFFFUL)]
    [InlineData(0x13017C20u /* asr w0, w1, #1 */, 0x0000_0000_8000_0000UL, 0xC000_0000UL)]
    [InlineData(0x93401C20u /* sxtb x0, w1 */, 0x80UL, 0xFFFF_FFFF_FFFF_FF80UL)]
    [InlineData(0x13001C20u /* sxtb w0, w1 */, 0x7FUL, 0x7FUL)]
    [InlineData(0x13001C20u /* sxtb w0, w1 */, 0xFFUL, 0xFFFF_FFFFUL)]
    [InlineData(0x93403C20u /* sxth x0, w1 */, 0x8000UL, 0xFFFF_FFFF_FFFF_8000UL)]
    [InlineData(0x13003C20u /* sxth w0, w1 */, 0x1_8000UL, 0xFFFF_8000UL)]
    [InlineData(0x93407C20u /* sxtw x0, w1 */, 0x1_8000_0000UL, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData(0x93407C20u /* sxtw x0, w1 */, 0xFFFF_FFFF_7FFF_FFFFUL, 0x7FFF_FFFFUL)]
    [InlineData(0x937CFC20u /* asr x0, x1, #60 (= sbfx x0, x1, #60, #4) */, 0x8000_0000_0000_0000UL, 0xFFFF_FFFF_FFFF_FFF8UL)]
    [InlineData(0x13042C20u /* sbfx w0, w1, #4, #8 */, 0x0000_0F80UL, 0xFFFF_FFF8UL)]
    [InlineData(0x93410020u /* sbfiz x0, x1, #63, #1 */, 1UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x93781C20u /* sbfiz x0, x1, #8, #8 */, 0x80UL, 0xFFFF_FFFF_FFFF_8000UL)]
    [InlineData(0x131C0C20u /* sbfiz w0, w1, #4, #4 */, 0x8UL, 0xFFFF_FF80UL)]
    public void UnsignedAndSignedBitfield(uint word, ulong x1, ulong expected)
    {
        using var h = Run(word, c => c.SetX(1, x1));
        Assert.Equal(expected, h.Cpu.X(0));
    }

    [Theory]
    [InlineData(0xB3780C20u /* bfi x0, x1, #8, #4 */, 0xFFUL, 0xDEAD_BEEF_CAFE_FF0DUL)]
    [InlineData(0xB3607C20u /* bfi x0, x1, #32, #32 */, 0x1234_5678UL, 0x1234_5678_CAFE_F00DUL)]
    [InlineData(0xB3410020u /* bfi x0, x1, #63, #1 */, 0UL, 0x5EAD_BEEF_CAFE_F00DUL)]
    [InlineData(0xB341FC20u /* bfxil x0, x1, #1, #63 */, ~0UL, ~0UL)]
    [InlineData(0xB37CFC20u /* bfxil x0, x1, #60, #4 */, 0x5000_0000_0000_0000UL, 0xDEAD_BEEF_CAFE_F005UL)]
    [InlineData(0xB340FC20u /* bfxil x0, x1, #0, #64 */, 0x0123_4567_89AB_CDEFUL, 0x0123_4567_89AB_CDEFUL)]
    [InlineData(0xB37C1FE0u /* bfc x0, #4, #8 */, 0UL, 0xDEAD_BEEF_CAFE_F00DUL & ~0xFF0UL)]
    // 32-bit: bits outside the field keep Wd, and Xd's upper half is cleared.
    [InlineData(0x33180C20u /* bfi w0, w1, #8, #4 */, 0xFUL, 0xCAFE_FF0DUL)]
    [InlineData(0x33040C20u /* bfi w0, w1, #28, #4 */, 0x3UL, 0x3AFE_F00DUL)]
    [InlineData(0x33007C20u /* bfxil w0, w1, #0, #32 */, 0xFFFF_FFFF_1234_5678UL, 0x1234_5678UL)]
    [InlineData(0x331F7C20u /* bfxil w0, w1, #31, #1 */, 0x7FFF_FFFFUL, 0xCAFE_F00CUL)]
    public void BitfieldMove(uint word, ulong x1, ulong expected)
    {
        using var h = Run(word, c => c.SetX(1, x1));   // X0 = Poison
        Assert.Equal(expected, h.Cpu.X(0));
    }

    /// <summary>SBFM/BFM/UBFM from the ASL with the reference DecodeBitMasks(N, imms, immr, FALSE).</summary>
    private static ulong BitfieldRef(int opc, int datasize, uint immr, uint imms, ulong dst, ulong src)
    {
        // wmask/tmask of DecodeBitMasks(immediate = FALSE) for esize = datasize.
        int m = datasize;
        ulong ones = m == 64 ? ~0UL : (1UL << m) - 1;
        ulong welem = imms == 63 ? ~0UL : (1UL << (int)(imms + 1)) - 1;
        ulong wmask = immr == 0 ? welem : ((welem >> (int)immr) | (welem << (m - (int)immr))) & ones;
        int diff = (int)((imms - immr) & (uint)(m - 1));
        ulong tmask = diff == 63 ? ~0UL : (1UL << (diff + 1)) - 1;
        src &= ones; dst &= ones;
        ulong ror = immr == 0 ? src : ((src >> (int)immr) | (src << (m - (int)immr))) & ones;
        bool inzero = opc != 1, extend = opc == 0;
        ulong dstIn = inzero ? 0 : dst;
        ulong bot = (dstIn & ~wmask) | (ror & wmask);
        ulong top = extend ? (((src >> (int)imms) & 1) != 0 ? ones : 0) : dstIn;
        return ((top & ~tmask) | (bot & tmask)) & ones;
    }

    [Fact]
    public void BitfieldMatchesTheAsl()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var gen = from src in Value64 from dst in Value64 from immr in Gen.Choose(0, 63) from imms in Gen.Choose(0, 63)
                  from opc in Gen.Choose(0, 2) from datasize in Gen.Elements(32, 64)
                  select (src, dst, immr, imms, opc, datasize);
        Property(gen.ToArbitrary(), t =>
        {
            var (src, dst, immr, imms, opc, datasize) = t;
            if (datasize == 32) { immr &= 31; imms &= 31; }
            uint word = (datasize == 64 ? 0x8040_0000u : 0) | (uint)opc << 29 | 0x1300_0000u | (uint)immr << 16 | (uint)imms << 10 | 1 << 5 | 0;
            c.SetX(0, dst); c.SetX(1, src);
            Exec(c, word);
            return c.X(0) == BitfieldRef(opc, datasize, (uint)immr, (uint)imms, dst, src);
        });
    }

    // ---- Extract ----

    [Theory]
    [InlineData(0x93C20020u /* extr x0, x1, x2, #0 */, 0x1111UL, 0x2222UL, 0x2222UL)]
    [InlineData(0x93C2FC20u /* extr x0, x1, x2, #63 */, 0x1UL, 0x8000_0000_0000_0000UL, 0x3UL)]
    [InlineData(0x93C28020u /* extr x0, x1, x2, #32 */, 0x1234_5678_9ABC_DEF0UL, 0x0FED_CBA9_8765_4321UL, 0x9ABC_DEF0_0FED_CBA9UL)]
    [InlineData(0x93C10420u /* ror x0, x1, #1 */, 1UL, 0UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x13820020u /* extr w0, w1, w2, #0 */, 0x1111UL, 0xFFFF_FFFF_2222_2222UL, 0x2222_2222UL)]
    [InlineData(0x13827C20u /* extr w0, w1, w2, #31 */, 0xFFFF_FFFF_0000_0001UL, 0x8000_0000UL, 0x3UL)]
    [InlineData(0x13810420u /* ror w0, w1, #1 */, 0xFFFF_FFFF_0000_0001UL, 0UL, 0x8000_0000UL)]
    [InlineData(0x13824020u /* extr w0, w1, w2, #16 */, 0xAAAA_BBBBUL, 0xCCCC_DDDDUL, 0xBBBB_CCCCUL)]
    public void Extract(uint word, ulong x1, ulong x2, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); });
        Assert.Equal(expected, h.Cpu.X(0));
    }
}
