using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Cpu.Tests.Dp;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// Data processing -- register (Arm ARM C4.1.67): add/subtract (shifted, extended, with carry), logical,
/// conditional compare and select. Words assembled offline with aarch64-linux-gnu-as (asm in the comments).
/// </summary>
public class DataProcessingRegisterTests
{
    private const ulong Sp0 = 0x4010_8000;

    // ---- Add/subtract (shifted register) ----

    [Theory]
    [InlineData(0x8B020020u /* add x0, x1, x2 */, ~0UL, 1UL, 0UL)]
    [InlineData(0x8B02FC20u /* add x0, x1, x2, lsl #63 */, 1UL, 3UL, 0x8000_0000_0000_0001UL)]
    [InlineData(0x8B42FC20u /* add x0, x1, x2, lsr #63 */, 1UL, 0x8000_0000_0000_0000UL, 2UL)]
    [InlineData(0x8B82FC20u /* add x0, x1, x2, asr #63 */, 1UL, 0x8000_0000_0000_0000UL, 0UL)]
    [InlineData(0x8B820020u /* add x0, x1, x2, asr #0 */, 1UL, 2UL, 3UL)]
    [InlineData(0xCB020420u /* sub x0, x1, x2, lsl #1 */, 0UL, 1UL, ~1UL)]
    [InlineData(0xCB0203E0u /* neg x0, x2 */, 0UL, 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL)]
    [InlineData(0x8B0203E0u /* add x0, xzr, x2 */, 5UL, 7UL, 7UL)]
    [InlineData(0x0B020020u /* add w0, w1, w2 */, 0xFFFF_FFFF_FFFF_FFFFUL, 1UL, 0UL)]
    [InlineData(0x0B027C20u /* add w0, w1, w2, lsl #31 */, 0x1_0000_0001UL, 3UL, 0x8000_0001UL)]
    [InlineData(0x0B427C20u /* add w0, w1, w2, lsr #31 */, 1UL, 0xFFFF_FFFF_8000_0000UL, 2UL)]
    [InlineData(0x0B827C20u /* add w0, w1, w2, asr #31 */, 1UL, 0x8000_0000UL, 0UL)]
    [InlineData(0x4B020020u /* sub w0, w1, w2 */, 0UL, 1UL, 0xFFFF_FFFFUL)]
    [InlineData(0x4B027FE0u /* neg w0, w2, lsl #31 */, 0UL, 1UL, 0x8000_0000UL)]
    public void AddSubShiftedRegister(uint word, ulong x1, ulong x2, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.SpEl1 = Sp0; c.Nzcv = V; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(V, h.Cpu.Nzcv);
    }

    [Theory]
    [InlineData(0xAB020020u /* adds x0, x1, x2 */, ~0UL, 1UL, 0UL, Z | C)]
    [InlineData(0xAB020020u /* adds x0, x1, x2 */, 0x7FFF_FFFF_FFFF_FFFFUL, 1UL, 0x8000_0000_0000_0000UL, N | V)]
    [InlineData(0xAB020020u /* adds x0, x1, x2 */, 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, 0UL, Z | C | V)]
    [InlineData(0xEB020020u /* subs x0, x1, x2 */, 0UL, 1UL, ~0UL, N)]
    [InlineData(0xEB020020u /* subs x0, x1, x2 */, 5UL, 5UL, 0UL, Z | C)]
    [InlineData(0xEB020020u /* subs x0, x1, x2 */, 0x8000_0000_0000_0000UL, 1UL, 0x7FFF_FFFF_FFFF_FFFFUL, C | V)]
    [InlineData(0xEB020020u /* subs x0, x1, x2 */, 0x7FFF_FFFF_FFFF_FFFFUL, ~0UL, 0x8000_0000_0000_0000UL, N | V)]
    [InlineData(0xEB0203E0u /* negs x0, x2 */, 0UL, 0UL, 0UL, Z | C)]
    [InlineData(0x2B020020u /* adds w0, w1, w2 */, 0xFFFF_FFFFUL, 0x1_0000_0001UL, 0UL, Z | C)]
    [InlineData(0x2B020020u /* adds w0, w1, w2 */, 0x7FFF_FFFFUL, 1UL, 0x8000_0000UL, N | V)]
    [InlineData(0x6B020020u /* subs w0, w1, w2 */, 0x1_0000_0000UL, 1UL, 0xFFFF_FFFFUL, N)]
    [InlineData(0x6B020020u /* subs w0, w1, w2 */, 0x8000_0000UL, 1UL, 0x7FFF_FFFFUL, C | V)]
    [InlineData(0x6B027C20u /* subs w0, w1, w2, lsl #31 */, 0UL, 1UL, 0x8000_0000UL, N | V)]
    public void AddsSubsShiftedRegisterFlags(uint word, ulong x1, ulong x2, ulong expected, uint nzcv)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(nzcv, h.Cpu.Nzcv);
    }

    [Fact]
    public void CmpShiftedRegisterWritesOnlyFlags()
    {
        using var h = RunProgram(c => { c.SpEl1 = Sp0; c.SetX(1, 3); c.SetX(2, 3); }, 0xEB02003Fu /* cmp x1, x2 */, 0x910003E3u /* mov x3, sp */);
        Assert.Equal(Z | C, h.Cpu.Nzcv);
        Assert.Equal(Sp0, h.Cpu.X(3));             // Rd = 31 of a shifted-register op is ZR, not SP
    }

    /// <summary>Builds an add/subtract (shifted register) word: Rd = X0, Rn = X1, Rm = X2.</summary>
    private static uint AddSubShifted(bool sf, bool sub, bool s, uint shift, uint amount) =>
        (sf ? 0x8000_0000u : 0) | (sub ? 0x4000_0000u : 0) | (s ? 0x2000_0000u : 0) | 0x0B00_0000u | shift << 22 | 2 << 16 | amount << 10 | 1 << 5;

    private static ulong ShiftRef(ulong v, uint type, int amount, int bits)
    {
        ulong mask = bits == 64 ? ~0UL : 0xFFFF_FFFFUL;
        v &= mask;
        return type switch
        {
            0 => (v << amount) & mask,
            1 => v >> amount,
            2 => (ulong)(SignedOf(v, bits) >> amount) & mask,
            _ => amount == 0 ? v : ((v >> amount) | (v << (bits - amount))) & mask,
        };
    }

    [Fact]
    public void AddSubShiftedRegisterMatchesAddWithCarry()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var gen = from x in Value64 from y in Value64 from op in Gen.Choose(0, 7) from shift in Gen.Choose(0, 2) from amount in Gen.Choose(0, 63)
                  select (x, y, op, shift, amount);
        Property(gen.ToArbitrary(), t =>
        {
            var (x, y, op, shift, amount) = t;
            bool sf = (op & 1) != 0, sub = (op & 2) != 0, s = (op & 4) != 0;
            int bits = sf ? 64 : 32;
            amount &= bits - 1;
            c.SetX(1, x); c.SetX(2, y); c.Nzcv = 0x5000_0000;
            Exec(c, AddSubShifted(sf, sub, s, (uint)shift, (uint)amount));
            ulong op2 = ShiftRef(y, (uint)shift, amount, bits);
            var (r, nzcv) = AddWithCarryRef(x, sub ? ~op2 : op2, sub, bits);
            return c.X(0) == r && c.Nzcv == (s ? nzcv : 0x5000_0000u);
        });
    }

    // ---- Add/subtract (extended register) ----

    [Theory]
    [InlineData(0x8B220020u /* add x0, x1, w2, uxtb */, 1UL, 0x1FFUL, 0x100UL)]
    [InlineData(0x8B223020u /* add x0, x1, w2, uxth #4 */, 0UL, 0xF_FFFFUL, 0xF_FFF0UL)]
    [InlineData(0x8B224020u /* add x0, x1, w2, uxtw */, 0UL, ~0UL, 0xFFFF_FFFFUL)]
    [InlineData(0x8B227020u /* add x0, x1, x2, uxtx #4 */, 0UL, 0x1000_0000_0000_0001UL, 0x10UL)]
    [InlineData(0x8B228020u /* add x0, x1, w2, sxtb */, 0UL, 0x80UL, 0xFFFF_FFFF_FFFF_FF80UL)]
    [InlineData(0x8B228420u /* add x0, x1, w2, sxtb #1 */, 0x100UL, 0x7FUL, 0x1FEUL)]
    [InlineData(0x8B22A020u /* add x0, x1, w2, sxth */, 0UL, 0x8000UL, 0xFFFF_FFFF_FFFF_8000UL)]
    [InlineData(0x8B22CC20u /* add x0, x1, w2, sxtw #3 */, 0UL, 0xFFFF_FFFFUL, ~7UL)]
    [InlineData(0xCB22E820u /* sub x0, x1, x2, sxtx #2 */, 0UL, 1UL, ~3UL)]
    [InlineData(0x0B228020u /* add w0, w1, w2, sxtb */, 0UL, 0xFFUL, 0xFFFF_FFFFUL)]
    [InlineData(0x0B225020u /* add w0, w1, w2, uxtw #4 */, 0xFFFF_FFFF_0000_0000UL, 0x1000_0001UL, 0x10UL)]
    [InlineData(0x4B222020u /* sub w0, w1, w2, uxth */, 0UL, 0x1_0001UL, 0xFFFF_FFFFUL)]
    public void AddSubExtendedRegister(uint word, ulong x1, ulong x2, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); });
        Assert.Equal(expected, h.Cpu.X(0));
    }

    [Fact]
    public void ExtendedRegisterUsesSpForRnAndNonFlagSettingRd()
    {
        using var h = RunProgram(c => { c.SpEl1 = Sp0; c.SetX(1, 0x10); c.SetX(2, 0xFFFF_FFFF_0000_0008UL); },
            0x8B2163E0u /* add x0, sp, x1 */,
            0xCB2247FFu /* sub sp, sp, w2, uxtw #1 */,
            0x910003E3u /* mov x3, sp */,
            0xEB2163FFu /* cmp sp, x1 */,                  // SUBS xzr, sp, x1 (extended register): SP unchanged
            0xAB2103E4u /* adds x4, sp, w1, uxtb */,
            0x0B2143FFu /* add wsp, wsp, w1 */,
            0x910003E5u /* mov x5, sp */);
        var c = h.Cpu;
        Assert.Equal(Sp0 + 0x10, c.X(0));
        Assert.Equal(Sp0 - 0x10, c.X(3));
        Assert.Equal(Sp0 - 0x10 + 0x10, c.X(4));
        Assert.Equal(0u, c.Nzcv);
        Assert.Equal(Sp0, c.X(5));
    }

    [Fact]
    public void ExtendedRegisterWspWriteZeroExtends()
    {
        using var h = RunProgram(c => { c.SpEl1 = 0xFFFF_FFFF_FFFF_FFF0UL; c.SetX(1, 0x20); },
            0x0B2103FFu /* add wsp, wsp, w1, uxtb */, 0x910003E0u /* mov x0, sp */);
        Assert.Equal(0x10UL, h.Cpu.X(0));
    }

    [Theory]
    [InlineData(0xAB22C020u /* adds x0, x1, w2, sxtw */, 1UL, 0xFFFF_FFFFUL, 0UL, Z | C)]
    [InlineData(0xEB220020u /* subs x0, x1, w2, uxtb */, 0UL, 0x101UL, ~0UL, N)]
    [InlineData(0x6B22A020u /* subs w0, w1, w2, sxth */, 0x7FFF_FFFFUL, 0xFFFFUL, 0x8000_0000UL, N | V)]
    [InlineData(0x2B225020u /* adds w0, w1, w2, uxtw #4 */, 0xFFFF_FFF0UL, 1UL, 0UL, Z | C)]
    public void AddsSubsExtendedRegisterFlags(uint word, ulong x1, ulong x2, ulong expected, uint nzcv)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(nzcv, h.Cpu.Nzcv);
    }

    // ---- Add/subtract with carry ----

    [Theory]
    [InlineData(0x9A020020u /* adc x0, x1, x2 */, ~0UL, 0UL, true, 0UL, 0u)]
    [InlineData(0x9A020020u /* adc x0, x1, x2 */, 1UL, 2UL, false, 3UL, 0u)]
    [InlineData(0x1A020020u /* adc w0, w1, w2 */, 0xFFFF_FFFFUL, 0UL, true, 0UL, 0u)]
    [InlineData(0xDA020020u /* sbc x0, x1, x2 */, 0UL, 0UL, false, ~0UL, 0u)]
    [InlineData(0xDA020020u /* sbc x0, x1, x2 */, 5UL, 3UL, true, 2UL, 0u)]
    [InlineData(0x5A020020u /* sbc w0, w1, w2 */, 0UL, 0UL, false, 0xFFFF_FFFFUL, 0u)]
    [InlineData(0xDA0203E0u /* ngc x0, x2 */, 0UL, 1UL, true, ~0UL, 0u)]
    public void AdcSbcUseCarryAndLeaveFlags(uint word, ulong x1, ulong x2, bool carry, ulong expected, uint unused)
    {
        _ = unused;
        uint before = carry ? C | V : V;
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.Nzcv = before; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(before, h.Cpu.Nzcv);
    }

    [Theory]
    [InlineData(0xBA020020u /* adcs x0, x1, x2 */, ~0UL, 0UL, true, 0UL, Z | C)]
    [InlineData(0xBA020020u /* adcs x0, x1, x2 */, ~0UL, ~0UL, true, ~0UL, N | C)]
    [InlineData(0xBA020020u /* adcs x0, x1, x2 */, 0x7FFF_FFFF_FFFF_FFFFUL, 0UL, true, 0x8000_0000_0000_0000UL, N | V)]
    [InlineData(0x3A020020u /* adcs w0, w1, w2 */, 0xFFFF_FFFFUL, 0UL, true, 0UL, Z | C)]
    [InlineData(0x3A020020u /* adcs w0, w1, w2 */, 0x7FFF_FFFFUL, 0UL, false, 0x7FFF_FFFFUL, 0u)]
    [InlineData(0xFA020020u /* sbcs x0, x1, x2 */, 0UL, 0UL, false, ~0UL, N)]
    [InlineData(0xFA020020u /* sbcs x0, x1, x2 */, 0UL, 0UL, true, 0UL, Z | C)]
    [InlineData(0xFA020020u /* sbcs x0, x1, x2 */, 0x8000_0000_0000_0000UL, 0UL, false, 0x7FFF_FFFF_FFFF_FFFFUL, C | V)]
    [InlineData(0x7A020020u /* sbcs w0, w1, w2 */, 0x8000_0000UL, 0UL, false, 0x7FFF_FFFFUL, C | V)]
    [InlineData(0x7A0203E0u /* ngcs w0, w2 */, 0UL, 0UL, true, 0UL, Z | C)]
    public void AdcsSbcsFlags(uint word, ulong x1, ulong x2, bool carry, ulong expected, uint nzcv)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.Nzcv = carry ? C : 0; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(nzcv, h.Cpu.Nzcv);
    }

    [Fact]
    public void AdcSbcMatchAddWithCarry()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var gen = from x in Value64 from y in Value64 from op in Gen.Choose(0, 7) from carry in Gen.Elements(false, true) select (x, y, op, carry);
        Property(gen.ToArbitrary(), t =>
        {
            var (x, y, op, carry) = t;
            bool sf = (op & 1) != 0, sub = (op & 2) != 0, s = (op & 4) != 0;
            uint word = (sf ? 0x8000_0000u : 0) | (sub ? 0x4000_0000u : 0) | (s ? 0x2000_0000u : 0) | 0x1A00_0000u | 2 << 16 | 1 << 5;
            uint before = carry ? C | N : N;
            c.SetX(1, x); c.SetX(2, y); c.Nzcv = before;
            Exec(c, word);
            var (r, nzcv) = AddWithCarryRef(x, sub ? ~y : y, carry, sf ? 64 : 32);
            return c.X(0) == r && c.Nzcv == (s ? nzcv : before);
        });
    }

    // ---- Logical (shifted register) ----

    [Theory]
    [InlineData(0x8A020020u /* and x0, x1, x2 */, 0xF0F0UL, 0xFF00UL, 0xF000UL)]
    [InlineData(0x8AC2FC20u /* and x0, x1, x2, ror #63 */, ~0UL, 0x8000_0000_0000_0001UL, 3UL)]
    [InlineData(0x8A22FC20u /* bic x0, x1, x2, lsl #63 */, ~0UL, 1UL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData(0xAA82FC20u /* orr x0, x1, x2, asr #63 */, 0UL, 0x8000_0000_0000_0000UL, ~0UL)]
    [InlineData(0xAA428020u /* orr x0, x1, x2, lsr #32 */, 1UL, 0xFFFF_FFFF_0000_0000UL, 0xFFFF_FFFFUL)]
    [InlineData(0xAA0203E0u /* mov x0, x2 */, 5UL, 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [InlineData(0xAA220020u /* orn x0, x1, x2 */, 0UL, 0UL, ~0UL)]
    [InlineData(0xAAE207E0u /* mvn x0, x2, ror #1 */, 0UL, 1UL, 0x7FFF_FFFF_FFFF_FFFFUL)]
    [InlineData(0xCAC28020u /* eor x0, x1, x2, ror #32 */, 0x1UL, 0x1UL, 0x1_0000_0001UL)]
    [InlineData(0xCA220020u /* eon x0, x1, x2 */, 0x5555_5555_5555_5555UL, 0UL, 0xAAAA_AAAA_AAAA_AAAAUL)]
    [InlineData(0x0A020020u /* and w0, w1, w2 */, ~0UL, ~0UL, 0xFFFF_FFFFUL)]
    [InlineData(0x0AC27C20u /* and w0, w1, w2, ror #31 */, ~0UL, 0x8000_0001UL, 3UL)]
    [InlineData(0x0AA27C20u /* bic w0, w1, w2, asr #31 */, ~0UL, 0x8000_0000UL, 0UL)]
    [InlineData(0x2A027C20u /* orr w0, w1, w2, lsl #31 */, 0UL, 0xFFFF_FFFF_0000_0001UL, 0x8000_0000UL)]
    [InlineData(0x2A2203E0u /* mvn w0, w2 (orn w0, wzr, w2) */, 0UL, 0UL, 0xFFFF_FFFFUL)]
    [InlineData(0x4A427C20u /* eor w0, w1, w2, lsr #31 */, 0UL, 0x8000_0000UL, 1UL)]
    [InlineData(0x4A220020u /* eon w0, w1, w2 */, 0UL, 0xFFFF_FFFFUL, 0UL)]
    [InlineData(0x2A0203E0u /* mov w0, w2 */, 0UL, 0xFFFF_FFFF_1234_5678UL, 0x1234_5678UL)]
    public void LogicalShiftedRegister(uint word, ulong x1, ulong x2, ulong expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.Nzcv = N | C; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(N | C, h.Cpu.Nzcv);
    }

    [Theory]
    [InlineData(0xEA020020u /* ands x0, x1, x2 */, ~0UL, 0x8000_0000_0000_0000UL, 0x8000_0000_0000_0000UL, N)]
    [InlineData(0xEA020420u /* ands x0, x1, x2, lsl #1 */, ~0UL, 0x8000_0000_0000_0000UL, 0UL, Z)]
    [InlineData(0xEA220020u /* bics x0, x1, x2 */, ~0UL, ~0UL, 0UL, Z)]
    [InlineData(0x6A220020u /* bics w0, w1, w2 */, ~0UL, 0x7FFF_FFFFUL, 0x8000_0000UL, N)]
    [InlineData(0x6A020020u /* ands w0, w1, w2 */, 0xFFFF_FFFF_0000_0000UL, ~0UL, 0UL, Z)]
    [InlineData(0x6AC2043Fu /* tst w1, w2, ror #1 */, 0x8000_0000UL, 1UL, Poison, N)]
    public void AndsBicsSetNZClearCV(uint word, ulong x1, ulong x2, ulong expected, uint nzcv)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.Nzcv = C | V; });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(nzcv, h.Cpu.Nzcv);
    }

    // ---- Conditional compare ----

    [Theory]
    // Condition true: flags of the comparison.
    [InlineData(0xFA420020u /* ccmp x1, x2, #0, eq */, Z, 5UL, 5UL, Z | C)]
    [InlineData(0xFA420020u /* ccmp x1, x2, #0, eq */, Z, 0UL, 1UL, N)]
    [InlineData(0x7A420020u /* ccmp w1, w2, #0, eq */, Z, 0x8000_0000UL, 1UL, C | V)]
    [InlineData(0xBA421020u /* ccmn x1, x2, #0, ne */, 0u, ~0UL, 1UL, Z | C)]
    [InlineData(0x3A421020u /* ccmn w1, w2, #0, ne */, 0u, 0x7FFF_FFFFUL, 1UL, N | V)]
    [InlineData(0xFA5FE820u /* ccmp x1, #31, #0, al */, 0u, 31UL, 0UL, Z | C)]
    [InlineData(0xFA40F82Fu /* ccmp x1, #0, #15, nv */, 0u, 0UL, 0UL, Z | C)]
    [InlineData(0x3A412820u /* ccmn w1, #1, #0, hs */, C, 0xFFFF_FFFFUL, 0UL, Z | C)]
    // Condition false: the #nzcv immediate.
    [InlineData(0xFA420020u /* ccmp x1, x2, #0, eq */, 0u, 5UL, 5UL, 0u)]
    [InlineData(0xFA42102Fu /* ccmp x1, x2, #15, ne */, Z, 5UL, 5UL, N | Z | C | V)]
    [InlineData(0xBA5FC82Au /* ccmn x1, #31, #10, gt */, N, 0UL, 0UL, N | C)]
    [InlineData(0x7A41B825u /* ccmp w1, #1, #5, lt */, 0u, 1UL, 0UL, Z | V)]
    public void ConditionalCompare(uint word, uint nzcvIn, ulong x1, ulong x2, uint expected)
    {
        using var h = Run(word, c => { c.SetX(1, x1); c.SetX(2, x2); c.Nzcv = nzcvIn; });
        Assert.Equal(expected, h.Cpu.Nzcv);
        Assert.Equal(Poison, h.Cpu.X(0));
    }

    [Fact]
    public void ConditionalCompareMatchesReference()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var gen = from x in Value64 from y in Value64 from cond in Gen.Choose(0, 15) from nzcvIn in Gen.Choose(0, 15)
                  from imm in Gen.Choose(0, 15) from op in Gen.Choose(0, 7) select (x, y, cond, nzcvIn, imm, op);
        Property(gen.ToArbitrary(), t =>
        {
            var (x, y, cond, nzcvIn, imm, op) = t;
            bool sf = (op & 1) != 0, sub = (op & 2) != 0, immForm = (op & 4) != 0;
            uint word = (sf ? 0x8000_0000u : 0) | (sub ? 0x4000_0000u : 0) | 0x3A40_0000u | (uint)cond << 12
                        | (immForm ? 0x800u | (uint)(y & 31) << 16 : 2u << 16) | 1 << 5 | (uint)imm;
            ulong operand = immForm ? y & 31 : y;
            c.SetX(1, x); c.SetX(2, y); c.Nzcv = (uint)nzcvIn << 28;
            Exec(c, word);
            uint expected = CondRef((uint)cond, (uint)nzcvIn << 28)
                ? AddWithCarryRef(x, sub ? ~operand : operand, sub, sf ? 64 : 32).Nzcv
                : (uint)imm << 28;
            return c.Nzcv == expected;
        });
    }

    // ---- Conditional select ----

    [Theory]
    [InlineData(0x9A820020u /* csel x0, x1, x2, eq */, Z, 1UL)]
    [InlineData(0x9A820020u /* csel x0, x1, x2, eq */, 0u, 2UL)]
    [InlineData(0x9A82F020u /* csel x0, x1, x2, nv */, 0u, 1UL)]
    [InlineData(0x9A824420u /* csinc x0, x1, x2, mi */, 0u, 3UL)]
    [InlineData(0x9A834420u /* csinc x0, x1, x3, mi */, 0u, 0UL)]                        // ~0 + 1 wraps
    [InlineData(0xDA826020u /* csinv x0, x1, x2, vs */, 0u, ~2UL)]
    [InlineData(0xDA848420u /* csneg x0, x1, x4, hi */, Z, 0x8000_0000_0000_0000UL)]     // -INT64_MIN = INT64_MIN
    [InlineData(0xDA828420u /* csneg x0, x1, x2, hi */, C, 1UL)]
    [InlineData(0x9A9FB7E0u /* cset x0, ge */, N | V, 1UL)]
    [InlineData(0x9A9FB7E0u /* cset x0, ge */, N, 0UL)]
    [InlineData(0xDA9FC3E0u /* csetm x0, le */, Z, ~0UL)]
    [InlineData(0x5A9FC3E0u /* csetm w0, le */, Z, 0xFFFF_FFFFUL)]
    [InlineData(0x1A831020u /* csel w0, w1, w3, ne */, Z, 0xFFFF_FFFFUL)]
    [InlineData(0x1A831420u /* csinc w0, w1, w3, ne */, Z, 0UL)]
    [InlineData(0x5A823020u /* csinv w0, w1, w2, cc */, C, 0xFFFF_FFFDUL)]
    [InlineData(0x5A82B420u /* csneg w0, w1, w2, lt */, 0u, 0xFFFF_FFFEUL)]
    [InlineData(0x5A85D4A0u /* cneg w0, w5, gt */, 0u, 0x8000_0000UL)]                  // -INT32_MIN = INT32_MIN
    [InlineData(0x1A82E0C0u /* csel w0, w6, w2, al */, 0u, 0x1234_5678UL)]
    public void ConditionalSelect(uint word, uint nzcv, ulong expected)
    {
        using var h = Run(word, c =>
        {
            c.SetX(1, 1); c.SetX(2, 2); c.SetX(3, ~0UL); c.SetX(4, 0x8000_0000_0000_0000UL);
            c.SetX(5, 0xFFFF_FFFF_8000_0000UL); c.SetX(6, 0xFFFF_FFFF_1234_5678UL); c.Nzcv = nzcv;
        });
        Assert.Equal(expected, h.Cpu.X(0));
        Assert.Equal(nzcv, h.Cpu.Nzcv);
    }

    [Fact]
    public void ConditionalSelectMatchesReferenceForAllConditions()
    {
        using var h = new CpuHarness();
        var c = h.Cpu;
        var gen = from x in Value64 from y in Value64 from cond in Gen.Choose(0, 15) from nzcv in Gen.Choose(0, 15) from op in Gen.Choose(0, 7)
                  select (x, y, cond, nzcv, op);
        Property(gen.ToArbitrary(), t =>
        {
            var (x, y, cond, nzcv, op) = t;
            bool sf = (op & 1) != 0, inv = (op & 2) != 0, inc = (op & 4) != 0;
            uint word = (sf ? 0x8000_0000u : 0) | (inv ? 0x4000_0000u : 0) | 0x1A80_0000u | 2 << 16 | (uint)cond << 12 | (inc ? 0x400u : 0) | 1 << 5;
            c.SetX(1, x); c.SetX(2, y); c.Nzcv = (uint)nzcv << 28;
            Exec(c, word);
            ulong other = (inv, inc) switch { (false, false) => y, (false, true) => y + 1, (true, false) => ~y, _ => 0 - y };
            ulong r = CondRef((uint)cond, (uint)nzcv << 28) ? x : other;
            return c.X(0) == (sf ? r : (uint)r);
        });
    }

    // ---- ConditionHolds truth table ----

    [Fact]
    public void ConditionTableMatchesTheArmArmConditionsForAllSixteenFlagValues()
    {
        for (uint cond = 0; cond < 16; cond++)
            for (uint nzcv = 0; nzcv < 16; nzcv++)
                Assert.True(Execution.A64Exec.ConditionHolds(nzcv << 28 | 0x0FFF_FFFFu, cond) == CondRef(cond, nzcv << 28),
                    $"cond {cond:X}, NZCV {nzcv:X}");
    }
}
