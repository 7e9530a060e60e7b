using System.Runtime.CompilerServices;
using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

public static partial class Fp
{
    /// <summary>Shift right keeping a sticky bit in bit 0 (any 1 shifted out sets it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 ShiftRightJam(UInt128 m, int d)
    {
        if (d <= 0) return m;
        if (d >= 128) return m != 0 ? UInt128.One : UInt128.Zero;
        UInt128 r = m >> d;
        if ((m & ((UInt128.One << d) - 1)) != 0) r |= 1;
        return r;
    }

    /// <summary>
    /// Exact (up to a jammed sticky bit) sum of two signed values s*m*2^e. Returns false when the sum is exactly zero.
    /// Both are normalised to 126 significant bits, so the jam bit lies far below any rounding position.
    /// </summary>
    private static bool AddExact(bool s1, int e1, UInt128 m1, bool s2, int e2, UInt128 m2, out bool s, out int e, out UInt128 m)
    {
        if (m1 == 0) { s = s2; e = e2; m = m2; return m2 != 0; }
        if (m2 == 0) { s = s1; e = e1; m = m1; return true; }
        int l1 = (int)UInt128.LeadingZeroCount(m1) - 2; m1 <<= l1; e1 -= l1;
        int l2 = (int)UInt128.LeadingZeroCount(m2) - 2; m2 <<= l2; e2 -= l2;
        if (e1 < e2 || (e1 == e2 && m1 < m2))
        {
            (s1, s2) = (s2, s1); (e1, e2) = (e2, e1); (m1, m2) = (m2, m1);
        }
        m2 = ShiftRightJam(m2, e1 - e2);
        s = s1;
        e = e1;
        m = s1 == s2 ? m1 + m2 : m1 - m2;
        return m != 0;
    }

    public static ulong Add(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr) => AddSub(op1, op2, false, n, fpcr, ref fpsr);
    public static ulong Sub(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr) => AddSub(op1, op2, true, n, fpcr, ref fpsr);

    /// <summary>
    /// FPAdd() / FPSub() (Arm ARM J1). The NaN operands keep their own signs (FPSub is not FPAdd of FPNeg). Ordinary
    /// round-to-nearest cases take the host fast path (Fp.Fast.cs); the *Soft functions are the ASL-exact code.
    /// </summary>
    public static ulong AddSub(ulong op1, ulong op2, bool sub, int n, uint fpcr, ref uint fpsr) =>
        n != 16 && TryAddFast(op1, op2, sub, n, fpcr, ref fpsr, out ulong fast) ? fast : AddSubSoft(op1, op2, sub, n, fpcr, ref fpsr);

    internal static ulong AddSubSoft(ulong op1, ulong op2, bool sub, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out int e1, out ulong m1);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out int e2, out ulong m2);
        if (ProcessNaNs(t1, t2, op1, op2, n, fpcr, ref fpsr, out ulong r)) return r;
        if (sub) s2 = !s2;
        bool inf1 = t1 == FpType.Infinity, inf2 = t2 == FpType.Infinity;
        if (inf1 && inf2 && s1 != s2) { fpsr |= IOC; return DefaultNaN(n); }
        if ((inf1 && !s1) || (inf2 && !s2)) return Infinity(false, n);
        if (inf1 || inf2) return Infinity(true, n);
        bool zero1 = t1 == FpType.Zero, zero2 = t2 == FpType.Zero;
        if (zero1 && zero2 && s1 == s2) return Zero(s1, n);
        var rounding = RMode(fpcr);
        if (!AddExact(s1, e1, m1, s2, e2, m2, out bool s, out int e, out UInt128 m))
            return Zero(rounding == FpRounding.NegInf, n);
        return Round(s, e, m, n, fpcr, rounding, ref fpsr);
    }

    /// <summary>FPMul() (Arm ARM J1).</summary>
    public static ulong Mul(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr) =>
        n != 16 && TryMulFast(op1, op2, n, fpcr, ref fpsr, out ulong fast) ? fast : MulSoft(op1, op2, n, fpcr, ref fpsr);

    internal static ulong MulSoft(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out int e1, out ulong m1);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out int e2, out ulong m2);
        if (ProcessNaNs(t1, t2, op1, op2, n, fpcr, ref fpsr, out ulong r)) return r;
        bool inf1 = t1 == FpType.Infinity, inf2 = t2 == FpType.Infinity;
        bool zero1 = t1 == FpType.Zero, zero2 = t2 == FpType.Zero;
        if ((inf1 && zero2) || (zero1 && inf2)) { fpsr |= IOC; return DefaultNaN(n); }
        if (inf1 || inf2) return Infinity(s1 != s2, n);
        if (zero1 || zero2) return Zero(s1 != s2, n);
        return Round(s1 != s2, e1 + e2, (UInt128)m1 * m2, n, fpcr, RMode(fpcr), ref fpsr);
    }

    /// <summary>FPMulX() (FMULX, Arm ARM J1): like FPMul but infinity times zero is 2.0 with the product's sign.</summary>
    public static ulong MulX(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr) =>
        n != 16 && TryMulFast(op1, op2, n, fpcr, ref fpsr, out ulong fast) ? fast : MulXSoft(op1, op2, n, fpcr, ref fpsr);

    internal static ulong MulXSoft(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out int e1, out ulong m1);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out int e2, out ulong m2);
        if (ProcessNaNs(t1, t2, op1, op2, n, fpcr, ref fpsr, out ulong r)) return r;
        bool inf1 = t1 == FpType.Infinity, inf2 = t2 == FpType.Infinity;
        bool zero1 = t1 == FpType.Zero, zero2 = t2 == FpType.Zero;
        if ((inf1 && zero2) || (zero1 && inf2)) return Two(s1 != s2, n);
        if (inf1 || inf2) return Infinity(s1 != s2, n);
        if (zero1 || zero2) return Zero(s1 != s2, n);
        return Round(s1 != s2, e1 + e2, (UInt128)m1 * m2, n, fpcr, RMode(fpcr), ref fpsr);
    }

    /// <summary>FPDiv() (Arm ARM J1).</summary>
    public static ulong Div(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr) =>
        n != 16 && TryDivFast(op1, op2, n, fpcr, ref fpsr, out ulong fast) ? fast : DivSoft(op1, op2, n, fpcr, ref fpsr);

    internal static ulong DivSoft(ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out int e1, out ulong m1);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out int e2, out ulong m2);
        if (ProcessNaNs(t1, t2, op1, op2, n, fpcr, ref fpsr, out ulong r)) return r;
        bool inf1 = t1 == FpType.Infinity, inf2 = t2 == FpType.Infinity;
        bool zero1 = t1 == FpType.Zero, zero2 = t2 == FpType.Zero;
        if ((inf1 && inf2) || (zero1 && zero2)) { fpsr |= IOC; return DefaultNaN(n); }
        if (inf1 || zero2)
        {
            if (!inf1) fpsr |= DZC;
            return Infinity(s1 != s2, n);
        }
        if (zero1 || inf2) return Zero(s1 != s2, n);
        int l1 = System.Numerics.BitOperations.LeadingZeroCount(m1); m1 <<= l1; e1 -= l1;
        int l2 = System.Numerics.BitOperations.LeadingZeroCount(m2); m2 <<= l2; e2 -= l2;
        UInt128 num = (UInt128)m1 << 64;
        UInt128 q = num / m2;
        if (q * m2 != num) q |= 1;
        return Round(s1 != s2, e1 - e2 - 64, q, n, fpcr, RMode(fpcr), ref fpsr);
    }

    /// <summary>FPSqrt() (Arm ARM J1).</summary>
    public static ulong Sqrt(ulong op, int n, uint fpcr, ref uint fpsr) =>
        n != 16 && TrySqrtFast(op, n, fpcr, ref fpsr, out ulong fast) ? fast : SqrtSoft(op, n, fpcr, ref fpsr);

    internal static ulong SqrtSoft(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out bool s, out int e, out ulong m);
        if (IsNaN(t)) return ProcessNaN(t, op, n, fpcr, ref fpsr);
        if (t == FpType.Zero) return Zero(s, n);
        if (t == FpType.Infinity && !s) return Infinity(false, n);
        if (s) { fpsr |= IOC; return DefaultNaN(n); }
        // value = m * 2^e; scale to a radicand R = m << k of 125-126 bits with (e - k) even.
        int lz = System.Numerics.BitOperations.LeadingZeroCount(m);
        int k = lz + 61;                      // m << k has its top bit at 124
        if (((e - k) & 1) != 0) k++;
        UInt128 rad = (UInt128)m << k;
        ulong root = ISqrt(rad, out bool exact);
        UInt128 mant = root;
        if (!exact) mant = (mant << 1) | 1;
        int exp2 = (e - k) / 2 - (exact ? 0 : 1);
        return Round(false, exp2, mant, n, fpcr, RMode(fpcr), ref fpsr);
    }

    /// <summary>Floor of the square root of a value below 2^126.</summary>
    private static ulong ISqrt(UInt128 x, out bool exact)
    {
        ulong r = (ulong)Math.Sqrt((double)x);
        if (r != 0) r = (ulong)((r + x / r) >> 1);
        while ((UInt128)r * r > x) r--;
        while ((UInt128)(r + 1) * (r + 1) <= x) r++;
        exact = (UInt128)r * r == x;
        return r;
    }

    /// <summary>FPMulAdd(addend, op1, op2) (Arm ARM J1): addend + op1*op2 with a single rounding.</summary>
    public static ulong MulAdd(ulong addend, ulong op1, ulong op2, int n, uint fpcr, ref uint fpsr)
    {
        var tA = Unpack(addend, n, fpcr, ref fpsr, out bool sA, out int eA, out ulong mA);
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out int e1, out ulong m1);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out int e2, out ulong m2);
        bool inf1 = t1 == FpType.Infinity, inf2 = t2 == FpType.Infinity;
        bool zero1 = t1 == FpType.Zero, zero2 = t2 == FpType.Zero;
        bool done = ProcessNaNs3(tA, t1, t2, addend, op1, op2, n, fpcr, ref fpsr, out ulong result);
        if (tA == FpType.QNaN && ((inf1 && zero2) || (zero1 && inf2)))
        {
            fpsr |= IOC;
            return DefaultNaN(n);
        }
        if (done) return result;
        bool infA = tA == FpType.Infinity, zeroA = tA == FpType.Zero;
        bool sP = s1 != s2, infP = inf1 || inf2, zeroP = zero1 || zero2;
        if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && sA != sP)) { fpsr |= IOC; return DefaultNaN(n); }
        if ((infA && !sA) || (infP && !sP)) return Infinity(false, n);
        if (infA || infP) return Infinity(true, n);
        if (zeroA && zeroP && sA == sP) return Zero(sA, n);
        var rounding = RMode(fpcr);
        UInt128 prod = zeroP ? UInt128.Zero : (UInt128)m1 * m2;
        if (!AddExact(sA, eA, zeroA ? 0 : mA, sP, e1 + e2, prod, out bool s, out int e, out UInt128 m))
            return Zero(rounding == FpRounding.NegInf, n);
        return Round(s, e, m, n, fpcr, rounding, ref fpsr);
    }

    /// <summary>
    /// FPRecipStepFused (FRECPS: 2 - op1*op2) and FPRSqrtStepFused (FRSQRTS: (3 - op1*op2) / 2), Arm ARM J1. op1 is
    /// negated before NaN processing, so a NaN op1 comes back with its sign flipped.
    /// </summary>
    public static ulong StepFused(ulong op1, ulong op2, bool rsqrt, int n, uint fpcr, ref uint fpsr)
    {
        op1 = Neg(op1, n);
        var t1 = Unpack(op1, n, fpcr, ref fpsr, out bool s1, out int e1, out ulong m1);
        var t2 = Unpack(op2, n, fpcr, ref fpsr, out bool s2, out int e2, out ulong m2);
        if (ProcessNaNs(t1, t2, op1, op2, n, fpcr, ref fpsr, out ulong r)) return r;
        bool inf1 = t1 == FpType.Infinity, inf2 = t2 == FpType.Infinity;
        bool zero1 = t1 == FpType.Zero, zero2 = t2 == FpType.Zero;
        if ((inf1 && zero2) || (zero1 && inf2)) return rsqrt ? OnePointFive(false, n) : Two(false, n);
        if (inf1 || inf2) return Infinity(s1 != s2, n);
        var rounding = RMode(fpcr);
        UInt128 prod = (zero1 || zero2) ? UInt128.Zero : (UInt128)m1 * m2;
        if (!AddExact(false, 0, rsqrt ? 3u : 2u, s1 != s2, e1 + e2, prod, out bool s, out int e, out UInt128 m))
            return Zero(rounding == FpRounding.NegInf, n);
        return Round(s, rsqrt ? e - 1 : e, m, n, fpcr, rounding, ref fpsr);
    }
}
