using System.Runtime.InteropServices;

namespace Arm64Vm.Cpu.Decoding;

/// <summary>
/// A pre-decoded instruction: 16 bytes, no heap object. Handlers extract register numbers from <see cref="Raw"/>
/// (one shift and mask); <see cref="Imm"/> holds a value the row's predecoder computed once (e.g. a decoded bitmask).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct DecodedInst
{
    public A64Op Op;
    public ushort Aux;
    public uint Raw;
    public ulong Imm;

    public readonly int Rd => (int)(Raw & 31);
    public readonly int Rt => (int)(Raw & 31);
    public readonly int Rn => (int)((Raw >> 5) & 31);
    public readonly int Rm => (int)((Raw >> 16) & 31);
    public readonly int Ra => (int)((Raw >> 10) & 31);
    public readonly int Rt2 => (int)((Raw >> 10) & 31);
    public readonly int Rs => (int)((Raw >> 16) & 31);
    public readonly bool Sf => (Raw & 0x8000_0000u) != 0;

    /// <summary>Bits [hi:lo] of the encoding.</summary>
    public readonly uint Bits(int hi, int lo) => (uint)((Raw >> lo) & ((1UL << (hi - lo + 1)) - 1));
    public readonly bool Bit(int n) => ((Raw >> n) & 1) != 0;
}
