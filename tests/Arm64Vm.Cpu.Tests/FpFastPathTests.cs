using Arm64Vm.Cpu.FloatingPoint;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The host fast paths of FPAdd/FPSub/FPMul/FPMulX/FPDiv/FPSqrt (Fp.Fast.cs) must give exactly the soft-float
/// (ASL) result and FPSR flags for every operand and FPCR: random pairs with exponents across the whole range and
/// clustered at the fast path's limits (underflow threshold, overflow), few-bit fractions (exact results and
/// ties), related pairs (cancellation, one ulp apart), and NaNs/infinities/denormals, under random RMode/FZ/DN.
/// </summary>
public class FpFastPathTests
{
    private static Gen<ulong> Operand(int n)
    {
        int f = n == 64 ? 52 : 23, emax = n == 64 ? 0x7FF : 0xFF, bias = emax >> 1;
        return from kind in Gen.Choose(0, 7)
               from sign in Gen.Choose(0, 1)
               from e in Gen.Choose(0, emax)
               from near in Gen.Choose(-40, 40)
               from frac in ArbMap.Default.GeneratorFor<ulong>()
               from keep in Gen.Choose(1, f)
               select Build(kind, sign, e, near, frac, keep);

        ulong Build(int kind, int sign, int e, int near, ulong frac, int keep)
        {
            ulong fracMask = (1UL << f) - 1;
            int exp = kind switch
            {
                0 or 1 => e,                                   // anywhere
                2 => Math.Clamp(near + 64, 0, emax),           // around the fast path's small-result limits
                3 => Math.Clamp(emax - 1 - Math.Abs(near), 0, emax), // near overflow
                4 => Math.Clamp(bias + near, 0, emax),         // ordinary magnitudes
                5 => Math.Clamp(bias + near / 8, 0, emax),     // ordinary, few fraction bits below
                6 => Math.Abs(near) < 3 ? 0 : e,               // some denormals and zeros
                _ => emax,                                     // infinities and NaNs
            };
            ulong fr = frac & fracMask;
            if (kind == 5) fr &= ~((1UL << (f - keep)) - 1) & fracMask;   // keep only the top bits: exact sums/ties
            if (kind == 1) return frac & (n == 64 ? ulong.MaxValue : 0xFFFF_FFFFUL);
            return ((ulong)sign << (n - 1)) | ((ulong)exp << f) | fr;
        }
    }

    /// <summary>Operand pairs: independent, or the second derived from the first (negated, +-1 ulp, scaled).</summary>
    private static Gen<(ulong A, ulong B)> Pair(int n) =>
        from a in Operand(n)
        from b in Operand(n)
        from rel in Gen.Choose(0, 9)
        from d in Gen.Choose(-3, 3)
        select (a, rel switch
        {
            0 => a ^ (1UL << (n - 1)),
            1 => (a + (ulong)(long)d) & (n == 64 ? ulong.MaxValue : 0xFFFF_FFFFUL),
            2 => (a ^ (1UL << (n - 1))) + (ulong)(long)d & (n == 64 ? ulong.MaxValue : 0xFFFF_FFFFUL),
            3 => (a + ((ulong)(long)d << (n == 64 ? 52 : 23))) & (n == 64 ? ulong.MaxValue : 0xFFFF_FFFFUL),
            _ => b,
        });

    private static Gen<uint> Fpcr =>
        from rn in Gen.Choose(0, 9)
        from rmode in Gen.Choose(0, 3)
        from fz in Gen.Choose(0, 1)
        from dn in Gen.Choose(0, 1)
        select (uint)((rn < 7 ? 0 : rmode) << 22 | fz << 24 | dn << 25);

    private static int _fast, _total;

    private delegate ulong Op2(ulong a, ulong b, int n, uint fpcr, ref uint fpsr);

    private static bool Same(Op2 fast, Op2 soft, ulong a, ulong b, int n, uint fpcr)
    {
        uint f1 = 0, f2 = 0;
        ulong r1 = fast(a, b, n, fpcr, ref f1), r2 = soft(a, b, n, fpcr, ref f2);
        return r1 == r2 && f1 == f2;
    }

    private static void Check(int n, string name, Op2 fast, Op2 soft, Func<ulong, ulong, uint, bool> tookFast)
    {
        Prop.ForAll(Pair(n).ToArbitrary(), Fpcr.ToArbitrary(), (p, fpcr) =>
        {
            _total++;
            if (tookFast(p.A, p.B, fpcr)) _fast++;
            return Same(fast, soft, p.A, p.B, n, fpcr)
                .Label($"{name}/{n} 0x{p.A:X} 0x{p.B:X} fpcr 0x{fpcr:X}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(10_000));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void FastPathsAgreeWithTheSoftFloatCode(int n)
    {
        _fast = _total = 0;
        uint s = 0;
        Check(n, "add", Fp.Add, (ulong a, ulong b, int w, uint c, ref uint f) => Fp.AddSubSoft(a, b, false, w, c, ref f), (a, b, c) => Fp.TryAddFast(a, b, false, n, c, ref s, out _));
        Check(n, "sub", Fp.Sub, (ulong a, ulong b, int w, uint c, ref uint f) => Fp.AddSubSoft(a, b, true, w, c, ref f), (a, b, c) => Fp.TryAddFast(a, b, true, n, c, ref s, out _));
        Check(n, "mul", Fp.Mul, Fp.MulSoft, (a, b, c) => Fp.TryMulFast(a, b, n, c, ref s, out _));
        Check(n, "mulx", Fp.MulX, Fp.MulXSoft, (a, b, c) => Fp.TryMulFast(a, b, n, c, ref s, out _));
        Check(n, "div", Fp.Div, Fp.DivSoft, (a, b, c) => Fp.TryDivFast(a, b, n, c, ref s, out _));
        Check(n, "sqrt", (ulong a, ulong _, int w, uint c, ref uint f) => Fp.Sqrt(a, w, c, ref f), (ulong a, ulong _, int w, uint c, ref uint f) => Fp.SqrtSoft(a, w, c, ref f),
              (a, _, c) => Fp.TrySqrtFast(a, n, c, ref s, out _));
        // The generators must actually exercise the fast paths (and the declines).
        Assert.InRange(_fast, _total / 5, _total * 4 / 5);
    }
}
