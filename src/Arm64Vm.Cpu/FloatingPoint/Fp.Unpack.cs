using System.Runtime.CompilerServices;
using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

/// <summary>
/// Exact Arm floating point on raw bit patterns of N = 16, 32 or 64 bits, following the Arm ARM ASL
/// (J1 shared/functions/float). Every function takes the FPCR value and ORs the cumulative exception flags it raises
/// into <c>fpsr</c>. Trap-enable bits are not implemented (Cortex-A57 has none), so every exception is untrapped.
/// Half precision follows Armv8.0: it appears only in conversions and is never flushed to zero (FZ16 is FEAT_FP16).
/// </summary>
public static partial class Fp
{
    public static ulong DefaultNaN(int n) => n == 64 ? 0x7FF8_0000_0000_0000UL : n == 32 ? 0x7FC0_0000UL : 0x7E00UL;
    public static ulong Infinity(bool sign, int n) => (sign ? SignBit(n) : 0) | ((1UL << ExpBits(n)) - 1) << FracBits(n);
    public static ulong Zero(bool sign, int n) => sign ? SignBit(n) : 0;
    public static ulong MaxNormal(bool sign, int n) => (sign ? SignBit(n) : 0) | (((1UL << ExpBits(n)) - 2) << FracBits(n)) | ((1UL << FracBits(n)) - 1);
    /// <summary>FPTwo / FPOnePointFive / FPOne for the given sign.</summary>
    public static ulong Two(bool sign, int n) => (sign ? SignBit(n) : 0) | ((ulong)(1 << (ExpBits(n) - 1)) << FracBits(n));
    public static ulong OnePointFive(bool sign, int n) => (sign ? SignBit(n) : 0) | ((ulong)((1 << (ExpBits(n) - 1)) - 1) << FracBits(n)) | (1UL << (FracBits(n) - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Neg(ulong op, int n) => op ^ SignBit(n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Abs(ulong op, int n) => op & ~SignBit(n);

    /// <summary>
    /// FPUnpack(): classifies <paramref name="op"/>; for Denormal/Nonzero the value is mant * 2^exp (mant holds the
    /// implicit bit). With FPCR.FZ (N != 16) a denormal input becomes a zero of the same sign and sets IDC.
    /// </summary>
    public static FpType Unpack(ulong op, int n, uint fpcr, ref uint fpsr, out bool sign, out int exp, out ulong mant)
    {
        int f = FracBits(n), e = ExpBits(n);
        sign = ((op >> (n - 1)) & 1) != 0;
        ulong frac = op & ((1UL << f) - 1);
        int bexp = (int)((op >> f) & ((1UL << e) - 1));
        int bias = (1 << (e - 1)) - 1;
        if (bexp == 0)
        {
            exp = 1 - bias - f;
            if (frac == 0) { mant = 0; return FpType.Zero; }
            if (n != 16 && (fpcr & FZ) != 0) { fpsr |= IDC; mant = 0; return FpType.Zero; }
            mant = frac;
            return FpType.Denormal;
        }
        if (bexp == (1 << e) - 1 && !(n == 16 && (fpcr & AHP) != 0))
        {
            exp = 0; mant = 0;
            if (frac == 0) return FpType.Infinity;
            return ((frac >> (f - 1)) & 1) != 0 ? FpType.QNaN : FpType.SNaN;
        }
        mant = frac | (1UL << f);
        exp = bexp - bias - f;
        return FpType.Nonzero;
    }

    /// <summary>Classification only (no flags): FPUnpack's type without FZ.</summary>
    public static FpType Classify(ulong op, int n)
    {
        uint dummy = 0;
        return Unpack(op, n, 0, ref dummy, out _, out _, out _);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(FpType t) => t >= FpType.QNaN;

    /// <summary>FPProcessNaN(): quiets a signalling NaN (raising IOC); FPCR.DN substitutes the default NaN.</summary>
    public static ulong ProcessNaN(FpType t, ulong op, int n, uint fpcr, ref uint fpsr)
    {
        ulong result = op;
        if (t == FpType.SNaN)
        {
            result |= 1UL << (FracBits(n) - 1);
            fpsr |= IOC;
        }
        if ((fpcr & DN) != 0) result = DefaultNaN(n);
        return result;
    }

    /// <summary>FPProcessNaNs(): signalling NaNs first (op1, op2), then quiet NaNs. Returns true when done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ProcessNaNs(FpType t1, FpType t2, ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        if (t1 < FpType.QNaN && t2 < FpType.QNaN) { result = 0; return false; }
        if (t1 == FpType.SNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FpType.SNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else if (t1 == FpType.QNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        return true;
    }

    /// <summary>FPProcessNaNs3(): signalling NaNs in operand order, then quiet NaNs in operand order.</summary>
    public static bool ProcessNaNs3(FpType t1, FpType t2, FpType t3, ulong op1, ulong op2, ulong op3, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        if (t1 < FpType.QNaN && t2 < FpType.QNaN && t3 < FpType.QNaN) { result = 0; return false; }
        if (t1 == FpType.SNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FpType.SNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else if (t3 == FpType.SNaN) result = ProcessNaN(t3, op3, n, fpcr, ref fpsr);
        else if (t1 == FpType.QNaN) result = ProcessNaN(t1, op1, n, fpcr, ref fpsr);
        else if (t2 == FpType.QNaN) result = ProcessNaN(t2, op2, n, fpcr, ref fpsr);
        else result = ProcessNaN(t3, op3, n, fpcr, ref fpsr);
        return true;
    }
}
