using static Arm64Vm.Cpu.FloatingPoint.FpBits;

namespace Arm64Vm.Cpu.FloatingPoint;

public static partial class Fp
{
    private static readonly ushort[] RecipTable = BuildRecipTable();
    private static readonly ushort[] RSqrtTable = BuildRSqrtTable();

    /// <summary>RecipEstimate(a) for a in [256, 512) (Arm ARM J1), precomputed.</summary>
    private static ushort[] BuildRecipTable()
    {
        var t = new ushort[256];
        for (int a = 256; a < 512; a++)
        {
            int q = a * 2 + 1;
            int b = (1 << 19) / q;
            t[a - 256] = (ushort)((b + 1) / 2);
        }
        return t;
    }

    /// <summary>RecipSqrtEstimate(a) for a in [128, 512) (Arm ARM J1), precomputed.</summary>
    private static ushort[] BuildRSqrtTable()
    {
        var t = new ushort[384];
        for (int a0 = 128; a0 < 512; a0++)
        {
            long a = a0 < 256 ? a0 * 2 + 1 : ((a0 >> 1) << 1) + 1 << 1;
            long b = 512;
            while (a * (b + 1) * (b + 1) < (1L << 28)) b++;
            t[a0 - 128] = (ushort)((b + 1) / 2);
        }
        return t;
    }

    /// <summary>FPRecipEstimate() (FRECPE, Armv8.0 8-bit estimate), N = 32 or 64.</summary>
    public static ulong RecipEstimate(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out bool sign, out _, out _);
        int f = FracBits(n), e = ExpBits(n);
        int bexp = (int)((op >> f) & ((1UL << e) - 1));
        ulong frac = op & ((1UL << f) - 1);
        if (IsNaN(t)) return ProcessNaN(t, op, n, fpcr, ref fpsr);
        if (t == FpType.Infinity) return Zero(sign, n);
        if (t == FpType.Zero) { fpsr |= DZC; return Infinity(sign, n); }
        if (bexp == 0 && frac < 1UL << (f - 2))
        {
            var rm = RMode(fpcr);
            bool toInf = rm == FpRounding.TieEven || (rm == FpRounding.PosInf && !sign) || (rm == FpRounding.NegInf && sign);
            fpsr |= OFC | IXC;
            return toInf ? Infinity(sign, n) : MaxNormal(sign, n);
        }
        if ((fpcr & FZ) != 0 && bexp >= (1 << e) - 3)
        {
            fpsr |= UFC;
            return Zero(sign, n);
        }
        ulong fraction = frac << (52 - f);
        int exp = bexp;
        if (exp == 0)
        {
            if (((fraction >> 51) & 1) == 0) { exp = -1; fraction = (fraction << 2) & ((1UL << 52) - 1); }
            else fraction = (fraction << 1) & ((1UL << 52) - 1);
        }
        int scaled = (int)(256 | (fraction >> 44));
        int resultExp = (n == 32 ? 253 : 2045) - exp;
        ulong estimate = RecipTable[scaled - 256];
        fraction = (estimate & 0xFF) << 44;
        if (resultExp == 0) fraction = (1UL << 51) | (fraction >> 1);
        else if (resultExp == -1) { fraction = (1UL << 50) | (fraction >> 2); resultExp = 0; }
        return (sign ? SignBit(n) : 0) | ((ulong)resultExp << f) | (fraction >> (52 - f));
    }

    /// <summary>FPRSqrtEstimate() (FRSQRTE, Armv8.0 8-bit estimate), N = 32 or 64.</summary>
    public static ulong RSqrtEstimate(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out bool sign, out _, out _);
        int f = FracBits(n), e = ExpBits(n);
        if (IsNaN(t)) return ProcessNaN(t, op, n, fpcr, ref fpsr);
        if (t == FpType.Zero) { fpsr |= DZC; return Infinity(sign, n); }
        if (sign) { fpsr |= IOC; return DefaultNaN(n); }
        if (t == FpType.Infinity) return Zero(false, n);
        ulong fraction = (op & ((1UL << f) - 1)) << (52 - f);
        int exp = (int)((op >> f) & ((1UL << e) - 1));
        if (exp == 0)
        {
            while (((fraction >> 51) & 1) == 0) { fraction = (fraction << 1) & ((1UL << 52) - 1); exp--; }
            fraction = (fraction << 1) & ((1UL << 52) - 1);
        }
        int scaled = (exp & 1) == 0 ? (int)(256 | (fraction >> 44)) : (int)(128 | (fraction >> 45));
        int resultExp = ((n == 32 ? 380 : 3068) - exp) >> 1;
        ulong estimate = RSqrtTable[scaled - 128];
        return ((ulong)resultExp << f) | ((estimate & 0xFF) << (f - 8));
    }

    /// <summary>FPRecpX() (FRECPX): exponent inverted, fraction cleared; zero/denormal exponents give max exponent.</summary>
    public static ulong RecpX(ulong op, int n, uint fpcr, ref uint fpsr)
    {
        var t = Unpack(op, n, fpcr, ref fpsr, out _, out _, out _);
        if (IsNaN(t)) return ProcessNaN(t, op, n, fpcr, ref fpsr);
        int f = FracBits(n), e = ExpBits(n);
        ulong expMask = (1UL << e) - 1;
        ulong exp = (op >> f) & expMask;
        ulong signBits = op & SignBit(n);
        return signBits | ((exp == 0 ? expMask - 1 : ~exp & expMask) << f);
    }
}
