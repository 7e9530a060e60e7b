using System.Runtime.CompilerServices;
using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

/// <summary>
/// Host fast paths for FADD/FSUB/FMUL/FDIV/FSQRT (and FMULX, FABD) in single and double precision. .NET float and
/// double arithmetic is IEEE 754 binary32/binary64 with round-to-nearest-even (no extended precision, no fast-math
/// reassociation), and so is FPRound() under FPCR.RMode = RN. When the operands and the host result are ordinary the
/// two agree bit for bit and the only exception Arm can raise is Inexact:
/// <list type="bullet">
/// <item>FPCR.RMode is RN (the host cannot round any other way);</item>
/// <item>no input is flushed (with FPCR.FZ a denormal input sends the operation to the soft path, which raises IDC);</item>
/// <item>the host result is finite and at least twice the smallest normal: NaN/infinity/zero results (NaN
///   propagation, invalid operations, division by zero, overflow) and anything near the underflow threshold
///   (Arm detects tininess before rounding) take the soft path;</item>
/// <item>Inexact is decided by an exact error term: TwoSum for sums, FMA residuals for products, quotients and
///   roots (exact because the operands are far from the underflow range), or the exact double-precision product for
///   single-precision operands.</item>
/// </list>
/// Anything else returns false and the caller runs the ASL-exact soft-float code in Fp.Arith.cs.
/// </summary>
public static partial class Fp
{
    private const uint RModeBits = 3u << 22;

    /// <summary>Biased exponent of a double (0 for zeros/denormals, 0x7FF for infinities/NaNs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Exp64(ulong bits) => (uint)(bits >> 52) & 0x7FF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Exp32(ulong bits) => (uint)(bits >> 23) & 0xFF;

    /// <summary>With FZ set, a denormal input must be flushed (and raise IDC): leave it to the soft path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FlushesInput(ulong a, ulong b, int n, uint fpcr)
    {
        if ((fpcr & FZ) == 0) return false;
        return n == 64
            ? (Exp64(a) == 0 && (a << 1) != 0) || (Exp64(b) == 0 && (b << 1) != 0)
            : (Exp32(a) == 0 && (a & 0x7FFF_FFFF) != 0) || (Exp32(b) == 0 && (b & 0x7FFF_FFFF) != 0);
    }

    /// <summary>FPAdd/FPSub fast path (N = 32 or 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryAddFast(ulong a, ulong b, bool sub, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if ((fpcr & RModeBits) != 0 || FlushesInput(a, b, n, fpcr)) return false;
        bool inexact;
        if (n == 64)
        {
            double x = BitConverter.UInt64BitsToDouble(a), y = BitConverter.UInt64BitsToDouble(b);
            if (sub) y = -y;
            double s = x + y;
            ulong bits = BitConverter.DoubleToUInt64Bits(s);
            uint e = Exp64(bits);
            if (e < 2 || e == 0x7FF) return false;
            double bp = s - x;                                   // TwoSum: x + y = s + err exactly
            inexact = (x - (s - bp)) + (y - bp) != 0;
            result = bits;
        }
        else
        {
            float x = BitConverter.UInt32BitsToSingle((uint)a), y = BitConverter.UInt32BitsToSingle((uint)b);
            if (sub) y = -y;
            float s = x + y;
            uint bits = BitConverter.SingleToUInt32Bits(s);
            uint e = Exp32(bits);
            if (e < 2 || e == 0xFF) return false;
            float bp = s - x;
            inexact = (x - (s - bp)) + (y - bp) != 0;
            result = bits;
        }
        if (inexact) fpsr |= IXC;
        return true;
    }

    /// <summary>FPMul (and FPMulX, which differs only for infinity times zero) fast path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryMulFast(ulong a, ulong b, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if ((fpcr & RModeBits) != 0 || FlushesInput(a, b, n, fpcr)) return false;
        bool inexact;
        if (n == 64)
        {
            double x = BitConverter.UInt64BitsToDouble(a), y = BitConverter.UInt64BitsToDouble(b);
            double p = x * y;
            ulong bits = BitConverter.DoubleToUInt64Bits(p);
            uint e = Exp64(bits);
            // |p| >= 2^-959: the product's rounding error x*y - p is a representable double, so the FMA is exact.
            if (e < 64 || e == 0x7FF) return false;
            inexact = Math.FusedMultiplyAdd(x, y, -p) != 0;
            result = bits;
        }
        else
        {
            float x = BitConverter.UInt32BitsToSingle((uint)a), y = BitConverter.UInt32BitsToSingle((uint)b);
            float p = x * y;
            uint bits = BitConverter.SingleToUInt32Bits(p);
            uint e = Exp32(bits);
            if (e < 2 || e == 0xFF) return false;
            inexact = (double)x * y != p;                        // 24 x 24 bits: exact in double
            result = bits;
        }
        if (inexact) fpsr |= IXC;
        return true;
    }

    /// <summary>FPDiv fast path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryDivFast(ulong a, ulong b, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if ((fpcr & RModeBits) != 0 || FlushesInput(a, b, n, fpcr)) return false;
        bool inexact;
        if (n == 64)
        {
            if (Exp64(a) < 70) return false;                     // keeps the residual x - q*y representable
            double x = BitConverter.UInt64BitsToDouble(a), y = BitConverter.UInt64BitsToDouble(b);
            double q = x / y;
            ulong bits = BitConverter.DoubleToUInt64Bits(q);
            uint e = Exp64(bits);
            if (e < 64 || e == 0x7FF) return false;
            inexact = Math.FusedMultiplyAdd(-q, y, x) != 0;
            result = bits;
        }
        else
        {
            float x = BitConverter.UInt32BitsToSingle((uint)a), y = BitConverter.UInt32BitsToSingle((uint)b);
            float q = x / y;
            uint bits = BitConverter.SingleToUInt32Bits(q);
            uint e = Exp32(bits);
            if (e < 2 || e == 0xFF) return false;
            inexact = (double)q * y != x;                        // q*y exact in double
            result = bits;
        }
        if (inexact) fpsr |= IXC;
        return true;
    }

    /// <summary>FPSqrt fast path: positive normal operands well above the underflow range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySqrtFast(ulong a, int n, uint fpcr, ref uint fpsr, out ulong result)
    {
        result = 0;
        if ((fpcr & RModeBits) != 0) return false;
        bool inexact;
        if (n == 64)
        {
            uint e = Exp64(a);
            if ((a >> 63) != 0 || e < 128 || e == 0x7FF) return false;
            double x = BitConverter.UInt64BitsToDouble(a);
            double s = Math.Sqrt(x);
            inexact = Math.FusedMultiplyAdd(-s, s, x) != 0;
            result = BitConverter.DoubleToUInt64Bits(s);
        }
        else
        {
            uint e = Exp32(a);
            if ((a & 0x8000_0000) != 0 || e == 0 || e == 0xFF) return false;
            float x = BitConverter.UInt32BitsToSingle((uint)a);
            float s = MathF.Sqrt(x);
            inexact = (double)s * s != x;
            result = BitConverter.SingleToUInt32Bits(s);
        }
        if (inexact) fpsr |= IXC;
        return true;
    }
}
