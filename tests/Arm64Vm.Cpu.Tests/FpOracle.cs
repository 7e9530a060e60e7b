using System.Numerics;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// An independent reference for the FP library tests: exact values as BigInteger * 2^E and a quantum-based rounding
/// written from IEEE 754 / the Arm ARM prose (tininess before rounding, FZ flushes tiny results with UFC only).
/// </summary>
internal static class FpOracle
{
    public const uint IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;
    public static int F(int n) => n == 64 ? 52 : n == 32 ? 23 : 10;
    public static int Eb(int n) => n == 64 ? 11 : n == 32 ? 8 : 5;

    /// <summary>Decodes a finite nonzero value (denormals flushed when fz, reported by returning false).</summary>
    public static bool Decode(ulong bits, int n, out bool sign, out BigInteger m, out int e)
    {
        int f = F(n), eb = Eb(n), bias = (1 << (eb - 1)) - 1;
        sign = ((bits >> (n - 1)) & 1) != 0;
        ulong frac = bits & ((1UL << f) - 1);
        int bexp = (int)((bits >> f) & ((1UL << eb) - 1));
        if (bexp == 0) { m = frac; e = 1 - bias - f; return frac != 0; }
        m = frac | (1UL << f);
        e = bexp - bias - f;
        return bexp != (1 << eb) - 1;
    }

    public static bool IsNaN(ulong bits, int n) => ((bits >> F(n)) & ((1UL << Eb(n)) - 1)) == (1UL << Eb(n)) - 1 && (bits & ((1UL << F(n)) - 1)) != 0;
    public static bool IsSNaN(ulong bits, int n) => IsNaN(bits, n) && ((bits >> (F(n) - 1)) & 1) == 0;
    public static bool IsDenormal(ulong bits, int n) => ((bits >> F(n)) & ((1UL << Eb(n)) - 1)) == 0 && (bits & ((1UL << F(n)) - 1)) != 0;

    /// <summary>Rounds sign * (m + sticky) * 2^e, m &gt; 0, to an N-bit format.</summary>
    public static ulong Round(bool sign, BigInteger m, int e, bool sticky, int n, FpRounding mode, bool fz, ref uint flags)
    {
        int f = F(n), eb = Eb(n), bias = (1 << (eb - 1)) - 1, emin = 1 - bias;
        ulong s = sign ? 1UL << (n - 1) : 0;
        int top = e + (int)m.GetBitLength() - 1;
        if (fz && n != 16 && top < emin) { flags |= UFC; return s; }
        int q = Math.Max(top, emin) - f;
        int sh = e - q;
        BigInteger i;
        int cmp;
        bool inexact;
        if (sh >= 0)
        {
            if (sticky) throw new InvalidOperationException("oracle needs more precision");
            i = m << sh; cmp = -1; inexact = false;
        }
        else
        {
            i = m >> -sh;
            BigInteger r = m - (i << -sh), unit = BigInteger.One << -sh;
            cmp = (r * 2).CompareTo(unit);
            if (cmp == 0 && sticky) cmp = 1;
            inexact = !r.IsZero || sticky;
        }
        if (top < emin && inexact) flags |= UFC;
        bool up = mode switch
        {
            FpRounding.TieEven => cmp > 0 || (cmp == 0 && !i.IsEven),
            FpRounding.TieAway => cmp >= 0,
            FpRounding.PosInf => inexact && !sign,
            FpRounding.NegInf => inexact && sign,
            _ => false,
        };
        if (up) i += 1;
        if (mode == FpRounding.Odd && inexact) i |= 1;
        if (i >= (BigInteger.One << (f + 1))) { i >>= 1; q++; }
        if (inexact) flags |= IXC;
        if (i < (BigInteger.One << f)) return s | (ulong)i;
        int biased = q + f + bias;
        if (biased >= (1 << eb) - 1)
        {
            flags |= OFC | IXC;
            bool toInf = mode is FpRounding.TieEven or FpRounding.TieAway || (mode == FpRounding.PosInf && !sign) || (mode == FpRounding.NegInf && sign);
            ulong expAll = ((1UL << eb) - 1) << f;
            return s | (toInf ? expAll : (expAll - (1UL << f)) | ((1UL << f) - 1));
        }
        return s | ((ulong)biased << f) | (ulong)(i - (BigInteger.One << f));
    }

    public static BigInteger Signed(bool s, BigInteger m) => s ? -m : m;

    /// <summary>Exact a + b (or a + b*c) as an integer times 2^e.</summary>
    public static BigInteger Sum(BigInteger a, int ea, BigInteger b, int eb, out int e)
    {
        e = Math.Min(ea, eb);
        return (a << (ea - e)) + (b << (eb - e));
    }

    public static BigInteger ISqrt(BigInteger v)
    {
        if (v.IsZero) return 0;
        BigInteger x = BigInteger.One << (int)((v.GetBitLength() + 1) / 2);
        while (true)
        {
            BigInteger y = (x + v / x) >> 1;
            if (y >= x) return x;
            x = y;
        }
    }

    /// <summary>Interesting operands: specials, boundaries, near-ties, random.</summary>
    public static ulong[] Specials(int n)
    {
        int f = F(n), eb = Eb(n);
        ulong sign = 1UL << (n - 1), expAll = ((1UL << eb) - 1) << f, one = ((1UL << (eb - 1)) - 1) << f;
        var list = new List<ulong>
        {
            0, 1, (1UL << f) - 1, 1UL << f, (1UL << f) + 1, expAll - 1, expAll - (1UL << f), expAll,
            expAll | (1UL << (f - 1)), expAll | (1UL << (f - 1)) | 5, expAll | 1, expAll | 0x15,
            one, one + 1, one - 1, one | (1UL << (f - 1)), one + (2UL << f), (one + (1UL << f)) | 3,
            2UL << f, (2UL << f) - 1, 3, 0x5555 & ((1UL << f) - 1),
        };
        var all = new List<ulong>(list);
        foreach (var v in list) all.Add(v | sign);
        return all.ToArray();
    }
}
