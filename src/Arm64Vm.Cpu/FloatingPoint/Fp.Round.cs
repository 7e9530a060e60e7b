using System.Numerics;
using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

public static partial class Fp
{
    /// <summary>
    /// FPRound() of the nonzero real sign * mant * 2^exp2. Bits of <paramref name="mant"/> below the 64 most
    /// significant ones only contribute to the sticky bit, so callers may "jam" an inexact remainder into bit 0 as
    /// long as at least 56 significant bits lie above it.
    /// </summary>
    public static ulong Round(bool sign, int exp2, UInt128 mant, int n, uint fpcr, FpRounding rounding, ref uint fpsr)
    {
        int msb = 127 - (int)UInt128.LeadingZeroCount(mant);
        ulong m64;
        bool sticky;
        if (msb >= 63)
        {
            int sh = msb - 63;
            m64 = (ulong)(mant >> sh);
            sticky = sh != 0 && (mant & ((UInt128.One << sh) - 1)) != 0;
        }
        else
        {
            m64 = (ulong)mant << (63 - msb);
            sticky = false;
        }
        return RoundNormalized(sign, exp2 + msb, m64, sticky, n, fpcr, rounding, ref fpsr);
    }

    /// <summary>FPRound() of sign * mant * 2^exp2 for a 64-bit mantissa (exact unless the caller jammed bit 0).</summary>
    public static ulong Round(bool sign, int exp2, ulong mant, int n, uint fpcr, FpRounding rounding, ref uint fpsr)
    {
        int msb = 63 - BitOperations.LeadingZeroCount(mant);
        return RoundNormalized(sign, exp2 + msb, mant << (63 - msb), false, n, fpcr, rounding, ref fpsr);
    }

    /// <summary>
    /// FPRoundBase() (Arm ARM J1): the value is (m64 + sticky) * 2^(exponent - 63) with bit 63 of m64 set, i.e. in
    /// [2^exponent, 2^(exponent+1)). Tininess is detected before rounding (biased exponent of the unrounded value is
    /// 0) and Underflow is raised only when the result is also inexact; FZ flushes such values to zero setting UFC
    /// without IXC. With FPCR.AHP a half-precision result saturates to the largest AHP value and raises IOC.
    /// </summary>
    public static ulong RoundNormalized(bool sign, int exponent, ulong m64, bool sticky, int n, uint fpcr, FpRounding rounding, ref uint fpsr)
    {
        int f = FracBits(n), e = ExpBits(n);
        int minExp = 2 - (1 << (e - 1));
        ulong signBits = sign ? SignBit(n) : 0;
        if (n != 16 && (fpcr & FZ) != 0 && exponent < minExp)
        {
            fpsr |= UFC;
            return signBits;
        }
        int biased = Math.Max(exponent - minExp + 1, 0);
        int shift = 63 - f;
        if (biased == 0) shift += minExp - exponent;
        ulong intMant;
        bool half, rest;
        if (shift > 64) { intMant = 0; half = false; rest = true; }
        else if (shift == 64) { intMant = 0; half = true; rest = (m64 << 1) != 0 || sticky; }
        else
        {
            intMant = m64 >> shift;
            half = ((m64 >> (shift - 1)) & 1) != 0;
            rest = (m64 & ((1UL << (shift - 1)) - 1)) != 0 || sticky;
        }
        bool inexact = half || rest;
        if (biased == 0 && inexact) fpsr |= UFC;
        bool roundUp, overflowToInf;
        switch (rounding)
        {
            case FpRounding.TieEven: roundUp = half && (rest || (intMant & 1) != 0); overflowToInf = true; break;
            case FpRounding.PosInf: roundUp = inexact && !sign; overflowToInf = !sign; break;
            case FpRounding.NegInf: roundUp = inexact && sign; overflowToInf = sign; break;
            case FpRounding.TieAway: roundUp = half; overflowToInf = true; break;
            default: roundUp = false; overflowToInf = false; break; // Zero, Odd
        }
        if (roundUp)
        {
            intMant++;
            if (intMant == 1UL << f) biased = 1;
            if (intMant == 1UL << (f + 1)) { biased++; intMant >>= 1; }
        }
        if (inexact && rounding == FpRounding.Odd) intMant |= 1;
        ulong result;
        if (n != 16 || (fpcr & AHP) == 0)
        {
            if (biased >= (1 << e) - 1)
            {
                result = overflowToInf ? Infinity(sign, n) : MaxNormal(sign, n);
                fpsr |= OFC;
                inexact = true;
            }
            else result = signBits | ((ulong)biased << f) | (intMant & ((1UL << f) - 1));
        }
        else
        {
            if (biased >= 1 << e)
            {
                result = signBits | (SignBit(n) - 1);
                fpsr |= IOC;
                inexact = false;
            }
            else result = signBits | ((ulong)biased << f) | (intMant & ((1UL << f) - 1));
        }
        if (inexact) fpsr |= IXC;
        return result;
    }
}
