using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Cpu.Tests.Dp;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// CPU-FLAGS-1: the integer flag-setting instructions record their operation and NZCV is computed when read. For
/// every producer (ADDS, SUBS, CMN, CMP in the immediate, shifted and extended register forms; ANDS, BICS, TST in the
/// immediate and shifted forms; W and X) over full-range random operands, each reader that comes first after it —
/// B.cond and CSINC (all sixteen conditions: EQ/NE have their own decode-time variants in both), ADC, MRS NZCV, exception entry
/// (SPSR_EL1), <see cref="CpuCore.SaveContext"/> — sees exactly the NZCV that AddWithCarry() (Arm ARM J1) or the
/// logical result gives, computed here independently of the emulator.
/// </summary>
public class LazyFlagsTests
{
    /// <summary>A producer: its encoding (Rd = x3 or ZR, Rn = x1, Rm = x2) and the reference (result, NZCV).</summary>
    private static (uint Word, ulong Result, uint Nzcv) Producer(int form, bool sf, bool toZr, ulong x, ulong y, int shift, int amount, int option)
    {
        int bits = sf ? 64 : 32;
        ulong mask = sf ? ~0UL : 0xFFFF_FFFFUL;
        uint sfBit = sf ? 0x8000_0000u : 0;
        uint rd = toZr ? 31u : 3u;
        uint regs = 2u << 16 | 1u << 5 | rd;
        switch (form)
        {
            case 0:
            case 1:   // ADDS / SUBS (immediate), imm12 with sh
            {
                bool sub = form == 1;
                uint imm12 = (uint)(y & 0xFFF), sh = (uint)(y >> 12) & 1;
                ulong op = (ulong)imm12 << (int)(sh * 12);
                uint word = sfBit | (sub ? 0x7100_0000u : 0x3100_0000u) | sh << 22 | imm12 << 10 | 1u << 5 | rd;
                var (r, nzcv) = AddWithCarryRef(x, sub ? ~op : op, sub, bits);
                return (word, r, nzcv);
            }
            case 2:
            case 3:   // ADDS / SUBS (shifted register): LSL, LSR, ASR
            {
                bool sub = form == 3;
                shift %= 3; amount %= bits;
                ulong op = Shift(y & mask, shift, amount, bits);
                uint word = sfBit | (sub ? 0x6B00_0000u : 0x2B00_0000u) | (uint)shift << 22 | (uint)amount << 10 | regs;
                var (r, nzcv) = AddWithCarryRef(x, sub ? ~op : op, sub, bits);
                return (word, r, nzcv);
            }
            case 4:
            case 5:   // ADDS / SUBS (extended register)
            {
                bool sub = form == 5;
                int imm3 = amount % 5;
                ulong ext = option switch
                {
                    0 => (byte)y,
                    1 => (ushort)y,
                    2 => (uint)y,
                    3 => y,
                    4 => (ulong)(sbyte)y,
                    5 => (ulong)(short)y,
                    6 => (ulong)(int)y,
                    _ => y,
                };
                ulong op = ext << imm3;
                uint word = sfBit | (sub ? 0x6B20_0000u : 0x2B20_0000u) | (uint)option << 13 | (uint)imm3 << 10 | regs;
                var (r, nzcv) = AddWithCarryRef(x, sub ? ~op : op, sub, bits);
                return (word, r, nzcv);
            }
            case 6:
            case 7:   // ANDS / BICS (shifted register): all four shifts
            {
                bool bic = form == 7;
                amount %= bits;
                ulong op = Shift(y & mask, shift, amount, bits);
                if (bic) op = ~op & mask;
                uint word = sfBit | 0x6A00_0000u | (uint)shift << 22 | (bic ? 1u << 21 : 0) | (uint)amount << 10 | regs;
                return (word, x & op & mask, LogicNzcv(x & op & mask, bits));
            }
            default:          // ANDS (immediate): a run of ones (imms + 1 of them) rotated right by immr
            {
                int ones = 1 + amount % (bits - 1), rot = shift * 7 % bits;
                ulong run = (1UL << ones) - 1;
                ulong op = rot == 0 ? run : ((run >> rot) | (run << (bits - rot))) & mask;
                uint n = sf ? 1u << 22 : 0;
                uint word = sfBit | 0x7200_0000u | n | (uint)rot << 16 | (uint)(ones - 1) << 10 | 1u << 5 | rd;
                return (word, x & op & mask, LogicNzcv(x & op & mask, bits));
            }
        }
    }

    private static ulong Shift(ulong v, int shift, int amount, int bits)
    {
        ulong mask = bits == 64 ? ~0UL : 0xFFFF_FFFFUL;
        if (amount == 0) return v;
        return shift switch
        {
            0 => (v << amount) & mask,
            1 => v >> amount,
            2 => (ulong)(SignedOf(v, bits) >> amount) & mask,
            _ => ((v >> amount) | (v << (bits - amount))) & mask,
        };
    }

    private static uint LogicNzcv(ulong r, int bits) => ((r >> (bits - 1)) & 1) != 0 ? N : r == 0 ? Z : 0;

    private const int Forms = 9;
    private const uint MrsX4Nzcv = 0xD53B4204;   // mrs x4, nzcv

    /// <summary>The reader that comes first after the producer, and what it leaves in x5.</summary>
    private enum Reader { BCond, Csinc, Adc, Mrs, ExceptionEntry, SaveContext }

    [Fact]
    public void LazyFlagsAgreeWithEagerFlagsForEveryProducerAndReader()
    {
        var gen = from x in Value64 from y in Value64 from form in Gen.Choose(0, Forms - 1) from sf in ArbMap.Default.GeneratorFor<bool>()
                  from toZr in ArbMap.Default.GeneratorFor<bool>() from shift in Gen.Choose(0, 3) from amount in Gen.Choose(0, 63)
                  from option in Gen.Choose(0, 7) from reader in Gen.Choose(0, 5) from cond in Gen.Choose(0, 15)
                  select (x, y, form, sf, toZr, shift, amount, option, reader, cond);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (x, y, form, sf, toZr, shift, amount, option, readerIndex, cond) = t;
            var reader = (Reader)readerIndex;
            var (word, result, nzcv) = Producer(form, sf, toZr, x, y, shift, amount, option);
            uint[] readerWords = reader switch
            {
                // b.cond +8 over "add x5, x5, #1": x5 = 0 when the branch is taken, 1 when not
                Reader.BCond => new[] { 0x5400_0040u | (uint)cond, 0x9100_04A5u },
                // csinc x5, xzr, xzr, cond: 0 when cond holds, 1 when not
                Reader.Csinc => new[] { 0x9A9F_07E5u | (uint)cond << 12 },
                // adc x5, xzr, xzr: C
                Reader.Adc => new[] { 0x9A1F_03E5u },
                Reader.Mrs => new[] { 0xD53B_4205u },
                _ => Array.Empty<uint>(),
            };
            using var h = new CpuHarness();
            h.Cpu.SetX(1, x);
            h.Cpu.SetX(2, y);
            h.Cpu.SetX(3, Poison);
            h.Cpu.Nzcv = ~nzcv & 0xF000_0000u;   // every flag the opposite of the expected one
            if (reader == Reader.SaveContext)
            {
                h.RunFor(1, word);
                var ctx = new CpuContext();
                h.Cpu.SaveContext(ctx);
                Assert.Equal(nzcv, ctx.Nzcv);
            }
            else
            {
                // After the reader, MRS x4 reads the flags again (not for exception entry, which must read them first).
                var program = readerWords.Prepend(word);
                h.Run((reader == Reader.ExceptionEntry ? program : program.Append(MrsX4Nzcv)).ToArray());
                Assert.True(h.StoppedCleanly);
                ulong expected5 = reader switch
                {
                    Reader.BCond or Reader.Csinc => CondRef((uint)cond, nzcv) ? 0UL : 1UL,
                    Reader.Adc => (nzcv & C) != 0 ? 1UL : 0UL,
                    Reader.Mrs => nzcv,
                    _ => 0UL,
                };
                Assert.Equal(expected5, h.Cpu.X(5));
                if (reader != Reader.ExceptionEntry) Assert.Equal(nzcv, h.Cpu.X(4));
                // The BRK at the end took an exception: SPSR_EL1 holds the flags it was taken with.
                Assert.Equal(nzcv, (uint)(h.Cpu.SysRegs.SpsrEl1 & 0xF000_0000UL));
            }
            Assert.Equal(nzcv, h.Cpu.Nzcv);
            Assert.Equal(toZr ? Poison : result, h.Cpu.X(3));
            return true;
        }));
    }

    /// <summary>
    /// CPU-FLAGS-1 with the BRK exception as the very first reader: nothing between the producer and the exception
    /// entry reads the flags, so SPSR_EL1 is built from the recorded operation.
    /// </summary>
    [Theory]
    [InlineData(0xF100_0420u /* subs x0, x1, #1 */, 1UL, Z | C)]
    [InlineData(0xF100_0420u /* subs x0, x1, #1 */, 0UL, N)]
    [InlineData(0xB100_0420u /* adds x0, x1, #1 */, 0x7FFF_FFFF_FFFF_FFFFUL, N | V)]
    [InlineData(0x3100_0420u /* adds w0, w1, #1 */, 0xFFFF_FFFFUL, Z | C)]
    [InlineData(0xEA01_003Fu /* tst x1, x1 */, 0x8000_0000_0000_0000UL, N)]
    [InlineData(0x6A01_003Fu /* tst w1, w1 */, 0x1_0000_0000UL, Z)]
    public void ExceptionEntryReadsTheRecordedFlags(uint word, ulong x1, uint expected)
    {
        using var h = new CpuHarness();
        h.Cpu.SetX(1, x1);
        h.Cpu.Nzcv = ~expected & 0xF000_0000u;
        h.Run(word);
        Assert.True(h.StoppedCleanly);
        Assert.Equal(expected, (uint)(h.Cpu.SysRegs.SpsrEl1 & 0xF000_0000UL));
        Assert.Equal(expected, h.Cpu.Nzcv);
    }
}
