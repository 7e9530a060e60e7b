using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Instruction semantics, one partial file per Arm ARM encoding class (C4.1). The generated dispatch switch calls
/// the method named by each decode-table row. Shared pseudocode helpers (ConditionHolds, AddWithCarry...) live here.
/// </summary>
public static partial class A64Exec
{
    /// <summary>Every unallocated encoding: UNDEFINED, EC 0x00 (Arm ARM C4.1).</summary>
    public static void Unallocated(CpuCore cpu, ref DecodedInst d) => cpu.TakeUndefined();

    /// <summary>
    /// ConditionHolds() (Arm ARM J1, shared/functions/system/ConditionHolds) as a truth table: entry <c>cond</c> has
    /// bit <c>NZCV</c> set when the condition holds for those flags (N = bit 3 ... V = bit 0), so a test is one load
    /// and one shift. The table is the pseudocode's cases evaluated for all 16 flag values (EQ: Z, CS: C, MI: N,
    /// VS: V, HI: C and not Z, GE: N = V, GT: N = V and not Z, AL; odd conditions invert, except 1111 (NV) which
    /// holds); DataProcessingRegisterTests.ConditionTableMatchesTheArmArmConditionsForAllSixteenFlagValues checks it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ConditionHolds(uint nzcv, uint cond) =>
        ((Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(ConditionTable), (int)(cond & 15) * 2)) >> (int)(nzcv >> 28)) & 1) != 0;

    /// <summary>The 16 truth-table entries as little-endian 16-bit words (a byte span is static data: no allocation, no initialisation check).</summary>
    private static ReadOnlySpan<byte> ConditionTable => new byte[]
    {
        0xF0, 0xF0, 0x0F, 0x0F, 0xCC, 0xCC, 0x33, 0x33, 0x00, 0xFF, 0xFF, 0x00, 0xAA, 0xAA, 0x55, 0x55,
        0x0C, 0x0C, 0xF3, 0xF3, 0x55, 0xAA, 0xAA, 0x55, 0x05, 0x0A, 0xFA, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF,
    };

    /// <summary>AddWithCarry() for 64-bit operands: result and NZCV in bits [31:28].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddWithCarry64(ulong x, ulong y, bool carryIn, out uint nzcv)
    {
        ulong cin = carryIn ? 1UL : 0UL;
        ulong result = x + y + cin;
        bool carry = result < x || (carryIn && result == x);
        bool overflow = ((~(x ^ y) & (x ^ result)) >> 63) != 0;
        nzcv = (uint)(result >> 63) << 31 | (result == 0 ? 1u << 30 : 0) | (carry ? 1u << 29 : 0) | (overflow ? 1u << 28 : 0);
        return result;
    }

    /// <summary>AddWithCarry() for 32-bit operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint AddWithCarry32(uint x, uint y, bool carryIn, out uint nzcv)
    {
        ulong wide = (ulong)x + y + (carryIn ? 1UL : 0UL);
        uint result = (uint)wide;
        bool carry = (wide >> 32) != 0;
        bool overflow = ((~(x ^ y) & (x ^ result)) >> 31) != 0;
        nzcv = (result >> 31) << 31 | (result == 0 ? 1u << 30 : 0) | (carry ? 1u << 29 : 0) | (overflow ? 1u << 28 : 0);
        return result;
    }

    /// <summary>
    /// Writes register r, ZR-capable, when the row's wrapper knows whether r is 31 (a <c>rdIs31</c>-style parameter,
    /// constant in the decode-time specialisations): the common op stores without a test.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SetReg(CpuCore cpu, int r, bool is31, ulong value)
    {
        if (!is31) cpu.XRef(r) = value;
    }

    /// <summary>Writes register r, SP-capable, when the row's wrapper knows whether r is 31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SetRegOrSp(CpuCore cpu, int r, bool is31, ulong value)
    {
        if (is31) cpu.Sp = value; else cpu.XRef(r) = value;
    }

    /// <summary>Reads register r, SP-capable, when the row's wrapper knows whether r is 31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong RegOrSp(CpuCore cpu, int r, bool is31) => is31 ? cpu.Sp : cpu.XRef(r);

    /// <summary>Sign-extends the low <paramref name="bits"/> bits of <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SignExtend(ulong value, int bits) => (long)(value << (64 - bits)) >> (64 - bits);
}
