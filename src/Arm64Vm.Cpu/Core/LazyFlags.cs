using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu;

/// <summary>
/// CPU-FLAGS-1 (specs/a64/README.md, "Lazy flags"): the operations whose NZCV the integer flag-setting instructions
/// record instead of computing it (<see cref="CpuCore.SetFlagsLazy"/>), and the computation made when the flags are
/// read. Each kind gives the NZCV of AddWithCarry() (Arm ARM J1, shared/functions/integer/AddWithCarry) for ADDS/SUBS
/// and CMN/CMP with carry-in 0 and 1, or N and Z of the result with C = V = 0 for ANDS/BICS/TST. The 32-bit kinds are
/// recorded with the operands and result zero-extended from 32 bits.
/// </summary>
internal static class LazyFlags
{
    /// <summary>The flags are held computed (as written by MSR NZCV, FCMP, CCMP, ADCS, an exception return...).</summary>
    public const int Eager = 0;
    /// <summary>r = x + y (ADDS, CMN), 32 or 64 bits.</summary>
    public const int Add32 = 1, Add64 = 2;
    /// <summary>r = x - y, i.e. AddWithCarry(x, NOT(y), 1) (SUBS, CMP, NEGS), 32 or 64 bits.</summary>
    public const int Sub32 = 3, Sub64 = 4;
    /// <summary>A logical result r (ANDS, BICS, TST): N and Z from r, C = V = 0.</summary>
    public const int Logic32 = 5, Logic64 = 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Flag(bool b) => Unsafe.BitCast<bool, byte>(b);

    /// <summary>NZCV in bits [31:28] of the recorded operation.</summary>
    public static uint Compute(int kind, ulong x, ulong y, ulong r)
    {
        switch (kind)
        {
            case Add64:
                return (uint)(r >> 63) << 31 | Flag(r == 0) << 30 | Flag(r < x) << 29 | (uint)((~(x ^ y) & (x ^ r)) >> 63) << 28;
            case Sub64:
                return (uint)(r >> 63) << 31 | Flag(r == 0) << 30 | Flag(x >= y) << 29 | (uint)(((x ^ y) & (x ^ r)) >> 63) << 28;
            case Logic64:
                return (uint)(r >> 63) << 31 | Flag(r == 0) << 30;
            case Add32:
            {
                uint xw = (uint)x, yw = (uint)y, rw = (uint)r;
                return (rw >> 31) << 31 | Flag(rw == 0) << 30 | Flag(rw < xw) << 29 | ((~(xw ^ yw) & (xw ^ rw)) >> 31) << 28;
            }
            case Sub32:
            {
                uint xw = (uint)x, yw = (uint)y, rw = (uint)r;
                return (rw >> 31) << 31 | Flag(rw == 0) << 30 | Flag(xw >= yw) << 29 | (((xw ^ yw) & (xw ^ rw)) >> 31) << 28;
            }
            case Logic32:
                return ((uint)r >> 31) << 31 | Flag((uint)r == 0) << 30;
            default:
                throw new InvalidOperationException("unknown lazy flags kind " + kind);
        }
    }
}
