using System.Numerics;
using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

public static partial class Fp
{
    /// <summary>
    /// FPConvert() (FCVT, FCVTN/FCVTL/FCVTXN): N-bit to M-bit. Inputs of N = 32/64 honour FZ; half-precision
    /// inputs are never flushed and, with FPCR.AHP, use the alternative format (no infinities or NaNs).
    /// </summary>
    public static ulong Convert(ulong op, int n, int m, uint fpcr, FpRounding rounding, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out bool sign, out int e, out ulong mant);
        bool altHp = m == 16 && (fpcr & AHP) != 0;
        switch (t)
        {
            case FpType.SNaN:
            case FpType.QNaN:
            {
                ulong result = altHp ? Zero(sign, m) : (fpcr & DN) != 0 ? DefaultNaN(m) : ConvertNaN(op, n, m);
                if (t == FpType.SNaN || altHp) fpsr |= IOC;
                return result;
            }
            case FpType.Infinity:
                if (altHp) { fpsr |= IOC; return (sign ? SignBit(m) : 0) | (SignBit(m) - 1); }
                return Infinity(sign, m);
            case FpType.Zero:
                return Zero(sign, m);
            default:
                return Round(sign, e, mant, m, fpcr & ~DN, rounding, ref fpsr);
        }
    }

    /// <summary>FPConvertNaN(): keeps the sign, sets the quiet bit and moves the payload's top bits.</summary>
    public static ulong ConvertNaN(ulong op, int n, int m)
    {
        int fn = FracBits(n), fm = FracBits(m);
        ulong payload = op & ((1UL << (fn - 1)) - 1);
        payload = fm > fn ? payload << (fm - fn) : payload >> (fn - fm);
        bool sign = ((op >> (n - 1)) & 1) != 0;
        return (sign ? SignBit(m) : 0) | (((1UL << ExpBits(m)) - 1) << fm) | (1UL << (fm - 1)) | payload;
    }

    /// <summary>Integer part (magnitude) of mant * 2^-r and the rounding decision for the mode (sign-aware).</summary>
    private static ulong RoundMagnitude(ulong mant, int r, bool sign, FpRounding rounding, out bool inexact)
    {
        ulong intMag;
        bool half, rest;
        if (r <= 0) { inexact = false; return mant; }
        if (r > 64) { intMag = 0; half = false; rest = mant != 0; }
        else if (r == 64) { intMag = 0; half = (mant >> 63) != 0; rest = (mant << 1) != 0; }
        else
        {
            intMag = mant >> r;
            half = ((mant >> (r - 1)) & 1) != 0;
            rest = (mant & ((1UL << (r - 1)) - 1)) != 0;
        }
        inexact = half || rest;
        bool up = rounding switch
        {
            FpRounding.TieEven => half && (rest || (intMag & 1) != 0),
            FpRounding.TieAway => half,
            FpRounding.PosInf => inexact && !sign,
            FpRounding.NegInf => inexact && sign,
            _ => false,
        };
        return up ? intMag + 1 : intMag;
    }

    /// <summary>
    /// FPToFixed() (FCVT[NPMZA][SU], FCVTZS/FCVTZU fixed point): value * 2^fbits rounded with
    /// <paramref name="rounding"/> to an M-bit (32/64) integer, saturating with IOC; NaN gives 0 with IOC.
    /// </summary>
    public static ulong ToFixed(ulong op, int n, int fbits, bool unsigned, int m, uint fpcr, FpRounding rounding, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out bool sign, out int e, out ulong mant);
        if (IsNaN(t)) { fpsr |= IOC; return 0; }
        if (t == FpType.Zero) return 0;
        if (t == FpType.Infinity) return Saturate(sign, unsigned, m, ref fpsr);
        int sh = e + fbits;
        ulong mag;
        bool inexact;
        if (sh >= 0)
        {
            if (sh + 64 - BitOperations.LeadingZeroCount(mant) > 64) return Saturate(sign, unsigned, m, ref fpsr);
            mag = mant << sh;
            inexact = false;
        }
        else mag = RoundMagnitude(mant, -sh, sign, rounding, out inexact);
        bool overflow;
        ulong result;
        if (unsigned)
        {
            ulong max = m == 64 ? ulong.MaxValue : (1UL << m) - 1;
            overflow = (sign && mag != 0) || mag > max;
            result = overflow ? (sign ? 0 : max) : mag;
        }
        else
        {
            ulong maxPos = (1UL << (m - 1)) - 1;
            overflow = sign ? mag > maxPos + 1 : mag > maxPos;
            if (overflow) result = sign ? (1UL << (m - 1)) : maxPos;
            else result = sign ? (ulong)(-(long)mag) : mag;
            if (m == 32) result &= 0xFFFF_FFFF;
        }
        // mag + 1 from rounding may have wrapped to 0 only for mant << 0 == ulong.MaxValue, impossible (mant <= 2^53).
        if (overflow) fpsr |= IOC;
        else if (inexact) fpsr |= IXC;
        return result;
    }

    private static ulong Saturate(bool sign, bool unsigned, int m, ref uint fpsr)
    {
        fpsr |= IOC;
        if (unsigned) return sign ? 0 : (m == 64 ? ulong.MaxValue : (1UL << m) - 1);
        ulong r = sign ? 1UL << (m - 1) : (1UL << (m - 1)) - 1;
        return r;
    }

    /// <summary>FixedToFP() (SCVTF/UCVTF, integer and fixed point): rounding per <paramref name="rounding"/>.</summary>
    public static ulong FixedToFp(ulong x, int m, bool unsigned, int fbits, int n, uint fpcr, FpRounding rounding, ref uint fpsr)
    {
        bool sign = false;
        ulong mag;
        if (unsigned) mag = m == 32 ? (uint)x : x;
        else
        {
            long v = m == 32 ? (int)x : (long)x;
            sign = v < 0;
            mag = sign ? (ulong)(-v) : (ulong)v;
        }
        if (mag == 0) return Zero(false, n);
        return Round(sign, -fbits, mag, n, fpcr, rounding, ref fpsr);
    }

    /// <summary>FPRoundInt() (FRINT*): integral value in the same format; <paramref name="exact"/> raises IXC (FRINTX).</summary>
    public static ulong RoundInt(ulong op, int n, uint fpcr, FpRounding rounding, bool exact, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out bool sign, out int e, out ulong mant);
        if (IsNaN(t)) return ProcessNaN(t, op, n, fpcr, ref fpsr);
        if (t == FpType.Infinity) return Infinity(sign, n);
        if (t == FpType.Zero) return Zero(sign, n);
        if (e >= 0) return op;
        ulong mag = RoundMagnitude(mant, -e, sign, rounding, out bool inexact);
        ulong result = mag == 0 ? Zero(sign, n) : Round(sign, 0, mag, n, fpcr, FpRounding.Zero, ref fpsr);
        if (inexact && exact) fpsr |= IXC;
        return result;
    }
}
