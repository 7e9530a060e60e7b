using Arm64Vm.Cpu.Decoding;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>CPU-DEC-1: the decode memo returns exactly what the decoder does, whatever the words and their collisions.</summary>
public class DecodeMemoTests
{
    private static readonly Gen<uint> Word = Gen.Choose(0, ushort.MaxValue).Two().Select(t => (uint)t.Item1 << 16 | (uint)t.Item2);

    private static bool Same(in DecodedInst a, in DecodedInst b) =>
        a.Handler == b.Handler && a.Imm == b.Imm && a.Raw == b.Raw && a.Op == b.Op && a.Kind == b.Kind
        && (a.F0, a.F1, a.F2, a.F3, a.F4, a.F5, a.F6, a.F7) == (b.F0, b.F1, b.F2, b.F3, b.F4, b.F5, b.F6, b.F7);

    [Fact]
    public void CPU_DEC_1_TheMemoGivesTheDecodersSlot_ForRepeatedAndCollidingWords()
    {
        var memo = new DecodeMemo();
        var pool = new List<uint>();
        // Past the warm-up, so the table is in use: random words, and words met again (hits, and entries replaced by
        // colliding words in between).
        var rng = new Random(12);
        for (int i = 0; i < 70_000; i++)
        {
            uint w = i % 3 == 0 && pool.Count > 0 ? pool[rng.Next(pool.Count)] : (uint)rng.NextInt64(0, 1L << 32);
            if (pool.Count < 20_000) pool.Add(w);
            Assert.True(Same(memo.Decode(w), A64Decoder.Decode(w)), $"word 0x{w:X8}");
        }
        // Every word of a few 64 K blocks (load/store, data processing, SIMD), forwards then backwards: each table entry
        // is taken by about four words of a block that differ only in their low half.
        foreach (uint hi in new uint[] { 0xF940, 0x8B00, 0x4E20 })
            foreach (int pass in new[] { 0, 1 })
                for (int k = 0; k < 0x10000; k++)
                {
                    uint w = hi << 16 | (uint)(pass == 0 ? k : 0xFFFF - k);
                    Assert.True(Same(memo.Decode(w), A64Decoder.Decode(w)), $"word 0x{w:X8}");
                }
        Prop.ForAll(Word.ArrayOf().ToArbitrary(), words =>
        {
            foreach (uint w in words.Concat(words).Concat(words.Reverse()))
                if (!Same(memo.Decode(w), A64Decoder.Decode(w))) return false;
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
