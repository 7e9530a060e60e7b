using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu;

/// <summary>
/// CPU-FLAGS-1 (specs/a64/README.md, "Lazy flags"): the integer flag-setting instructions record their operation as
/// one addition, r = x + y + c (Arm ARM J1, shared/functions/integer/AddWithCarry), instead of computing NZCV; the
/// flags are computed from the record when read, without a branch on the kind of operation:
/// <list type="bullet">
/// <item>ADDS, CMN: y as is, c = 0. SUBS, CMP, NEGS: y = NOT(y), c = 1 (AddWithCarry(x, NOT(y), 1)).</item>
/// <item>ANDS, BICS, TST: x = r, y = c = 0, which gives N and Z of r and C = V = 0.</item>
/// <item>The 32-bit forms are recorded in the top half (every value shifted left by 32, c too): the carry out of
/// bit 63 is then the carry out of bit 31, bit 63 is the sign bit, and the low half, all zero, changes neither Z nor
/// V.</item>
/// </list>
/// C is the carry out of x + y + c: r &lt; x, or r = x with c ≠ 0 (y + c wrapped to zero). V is set when x and y have
/// the same sign and r another.
/// </summary>
internal static class LazyFlags
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Flag(bool b) => Unsafe.BitCast<bool, byte>(b);

    /// <summary>C of the recorded addition r = x + y + c, as 0 or 1: r &lt; x, or r = x with c ≠ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Carry(ulong x, ulong c, ulong r) => Flag(r < x) | (Flag(r == x) & Flag(c != 0));

    /// <summary>NZCV in bits [31:28] of the recorded addition r = x + y + c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Compute(ulong x, ulong y, ulong c, ulong r) =>
        (uint)(r >> 63) << 31 | Flag(r == 0) << 30 | Carry(x, c, r) << 29 |
        (uint)((~(x ^ y) & (x ^ r)) >> 63) << 28;
}
