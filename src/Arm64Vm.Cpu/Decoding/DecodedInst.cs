using System.Runtime.InteropServices;

namespace Arm64Vm.Cpu.Decoding;

/// <summary>
/// A pre-decoded instruction: 32 bytes, no heap object. CPU-RUN-3: the slot carries what the run loop dispatches on —
/// the handler's entry point (<see cref="Handler"/>) and its block-end kind (<see cref="Kind"/>) — so a straight-line
/// instruction costs no table load. <see cref="Imm"/> holds a value the row's predecoder computed once (e.g. a
/// decoded bitmask); the operand bytes (<see cref="F0"/> …) hold the row's small fields.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
public struct DecodedInst
{
    /// <summary>The dispatch table's entry for <see cref="Op"/> (<c>A64Dispatch.HandlerOf</c>); 0 in a slot never decoded (a reset keeps it: CPU-DEC-2).</summary>
    public nint Handler;
    public ulong Imm;
    public uint Raw;
    public A64Op Op;
    /// <summary>The run loop's view of <see cref="Op"/> (<c>BlockEnds</c>): <see cref="A64Op.NotDecoded"/> is 0, so a fresh slot is undecoded.</summary>
    public byte Kind;
    private readonly byte _pad;
    /// <summary>
    /// CPU-SPEC-2: operand bytes, filled at decode time with the row's fields of at most 8 bits in the row's order (the
    /// generator's <c>A64Hooks.Operands</c>); the generated wrappers read a field from its byte instead of shifting and
    /// masking <see cref="Raw"/>. Like <see cref="Raw"/> and <see cref="Imm"/>, they stay as fetched when the slot is reset.
    /// </summary>
    public byte F0, F1, F2, F3, F4, F5, F6, F7;

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
