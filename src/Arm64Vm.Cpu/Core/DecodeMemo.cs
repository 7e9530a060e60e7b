using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu;

/// <summary>
/// CPU-DEC-1: the decodes a PE made last, by word. <see cref="A64Decoder.Decode"/> is a pure function of the word, so a
/// slot that decodes again — reset when its line left the L1I or by self-modifying code, or the same code met in another
/// page — takes the slot from here instead of the row search and the decode hooks. Direct-mapped, one entry per hash of
/// the word, checked by the whole word: only ever a copy of what Decode returns. The fetch that reads the word still
/// goes through the instruction side (the L1I, its fills and its stale lines), so what executes is exactly what it was.
/// (A Debian kernel's boot with the cache model decodes 9.6 million slots; 16 K entries serve 86% of them.)
/// </summary>
internal sealed class DecodeMemo
{
    private const int Bits = 14;
    /// <summary>Decodes made before the table is allocated: a short run (most tests) never pays for its 512 KiB.</summary>
    private const int WarmUp = 1 << 16;
    private DecodedInst[]? _entries;
    private int _decodes;

    /// <summary>What <see cref="A64Decoder.Decode"/> returns for <paramref name="word"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DecodedInst Decode(uint word)
    {
        if (_entries == null) return DecodeWarmingUp(word);
        ref DecodedInst e = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), (int)((word * 0x9E37_79B1u) >> (32 - Bits)));
        // Every decoded slot has a handler (Unallocated's too); an entry never filled has none.
        if (e.Raw == word && e.Handler != 0) return e;
        e = A64Decoder.Decode(word);
        return e;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private DecodedInst DecodeWarmingUp(uint word)
    {
        if (++_decodes == WarmUp) _entries = new DecodedInst[1 << Bits];
        return A64Decoder.Decode(word);
    }
}
