using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Branch-free NZCV computation for the handlers that write the flags eagerly (CCMP, CCMN). Each helper returns NZCV
/// in bits [31:28] as AddWithCarry() (Arm ARM shared/functions/integer/AddWithCarry) would for the same operation;
/// the other flag-setting instructions record the operation instead (CPU-FLAGS-1, Core/LazyFlags.cs).
/// </summary>
public static partial class A64Exec
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Flag(bool b) => Unsafe.BitCast<bool, byte>(b);

    /// <summary>NZCV of r = x + y (carry-in 0), 64-bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AddFlags64(ulong x, ulong y, ulong r) =>
        (uint)(r >> 63) << 31 | Flag(r == 0) << 30 | Flag(r < x) << 29 | (uint)((~(x ^ y) & (x ^ r)) >> 63) << 28;

    /// <summary>NZCV of r = x + y (carry-in 0), 32-bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint AddFlags32(uint x, uint y, uint r) =>
        (r >> 31) << 31 | Flag(r == 0) << 30 | Flag(r < x) << 29 | ((~(x ^ y) & (x ^ r)) >> 31) << 28;

    /// <summary>NZCV of r = x - y, i.e. AddWithCarry(x, NOT(y), 1), 64-bit (C set when there is no borrow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SubFlags64(ulong x, ulong y, ulong r) =>
        (uint)(r >> 63) << 31 | Flag(r == 0) << 30 | Flag(x >= y) << 29 | (uint)(((x ^ y) & (x ^ r)) >> 63) << 28;

    /// <summary>NZCV of r = x - y, 32-bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SubFlags32(uint x, uint y, uint r) =>
        (r >> 31) << 31 | Flag(r == 0) << 30 | Flag(x >= y) << 29 | (((x ^ y) & (x ^ r)) >> 31) << 28;

    /// <summary>
    /// Predecoder for rows with a cond field in bits [15:12]: a 16-bit truth table, bit i set when
    /// ConditionHolds(cond) for NZCV = i. A handler then tests the condition with one shift.
    /// </summary>
    public static ulong CondTruthTable(uint raw)
    {
        uint cond = (raw >> 12) & 0xF;
        ulong table = 0;
        for (uint nzcv = 0; nzcv < 16; nzcv++)
            if (ConditionHolds(nzcv << 28, cond)) table |= 1UL << (int)nzcv;
        return table;
    }

    /// <summary>1 when the condition whose truth table is <paramref name="table"/> holds for <paramref name="nzcv"/>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong CondBit(ulong table, uint nzcv) => (table >> (int)(nzcv >> 28)) & 1;
}
