using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD floating point: two-register miscellaneous (vector and scalar), across lanes, scalar pairwise, and the
/// FP conversions of (scalar) shift by immediate (Arm ARM C4.1.96).
/// </summary>
public static partial class A64Exec
{
    /// <summary>immh = 1xxx (double lanes) requires Q = 1.</summary>
    public static bool FpFixedVecValid(uint raw) => ((raw >> 30) & 1) != 0;

    /// <summary>The unary lane operations of two-register misc FP; each row names its own, with its constants.</summary>
    internal enum FpUnary : byte { Abs, Neg, Sqrt, Recpe, Rsqrte, Recpx, Rint, ToInt, FromInt, CmpZero }

    /// <summary>The compare-with-zero conditions: x &gt; 0, x == 0, x &lt; 0, x &gt;= 0, x &lt;= 0.</summary>
    internal enum FpCmpZero : byte { Gt, Eq, Lt, Ge, Le }

    /// <summary>
    /// One lane of a two-register misc FP operation. The row passes the constants its operation needs: the FRINT
    /// selector (<paramref name="rmode"/>, as for FRINT scalar: N P M Z A - X I), the FCVT*S/U rounding and
    /// signedness, the compare condition.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MiscLane(FpUnary op, uint rmode, FpRounding rounding, bool isUnsigned, FpCmpZero cmp, ulong x, int n, uint fpcr, ref uint fpsr)
    {
        switch (op)
        {
            case FpUnary.Abs: return Fp.Abs(x, n);
            case FpUnary.Neg: return Fp.Neg(x, n);
            case FpUnary.Sqrt: return Fp.Sqrt(x, n, fpcr, ref fpsr);
            case FpUnary.Recpe: return Fp.RecipEstimate(x, n, fpcr, ref fpsr);
            case FpUnary.Rsqrte: return Fp.RSqrtEstimate(x, n, fpcr, ref fpsr);
            case FpUnary.Recpx: return Fp.RecpX(x, n, fpcr, ref fpsr);
            case FpUnary.Rint:
            {
                FrintMode(rmode, fpcr, out var frint, out bool exact);
                return Fp.RoundInt(x, n, fpcr, frint, exact, ref fpsr);
            }
            case FpUnary.ToInt: return Fp.ToFixed(x, n, 0, isUnsigned, n, fpcr, rounding, ref fpsr);
            case FpUnary.FromInt: return Fp.FixedToFp(x, n, isUnsigned, 0, n, fpcr, FpBits.RMode(fpcr), ref fpsr);
            default:
            {
                bool r = cmp switch
                {
                    FpCmpZero.Gt => Fp.CompareGE(x, 0, true, n, fpcr, ref fpsr),
                    FpCmpZero.Eq => Fp.CompareEQ(x, 0, n, fpcr, ref fpsr),
                    FpCmpZero.Lt => Fp.CompareGE(0, x, true, n, fpcr, ref fpsr),
                    FpCmpZero.Ge => Fp.CompareGE(x, 0, false, n, fpcr, ref fpsr),
                    _ => Fp.CompareGE(0, x, false, n, fpcr, ref fpsr),
                };
                return r ? FpBits.Mask(n) : 0;
            }
        }
    }

    /// <summary>
    /// Two-register misc FP, vector and scalar (C7.2.x): FABS, FNEG, FSQRT, FRECPE, FRSQRTE, FRECPX, FRINT*,
    /// FCVT*S/U, SCVTF/UCVTF, FCM* #0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpMisc(CpuCore cpu, int rd, int rn, bool sz, FpUnary op, bool q = false, bool scalar = false, uint rmode = 0,
        FpRounding rounding = FpRounding.TieEven, bool isUnsigned = false, FpCmpZero cmp = FpCmpZero.Gt)
    {
        int n = FpWidth(sz), lanes = VecLanes(q, scalar, n);
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, MiscLane(op, rmode, rounding, isUnsigned, cmp, Lane(aLo, aHi, i, n), n, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }

    /// <summary>
    /// FCVTN/FCVTN2, C7.2.75: narrows 4S->4H (sz=0) or 2D->2S (sz=1) with the FPCR rounding; FCVTXN/FCVTXN2
    /// (vector), C7.2.98 (the row passes odd=1, sz=1): 2D->2S with round-to-odd. Q=1 writes the upper half and keeps
    /// the lower one.
    /// </summary>
    internal static void FpNarrow(CpuCore cpu, int rd, int rn, bool sz, bool q, bool odd)
    {
        int n = FpWidth(sz), m = n / 2, lanes = 64 / m;
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        var rounding = odd ? FpRounding.Odd : FpBits.RMode(fpcr);
        ulong r = 0, unused = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref r, ref unused, i, m, Fp.Convert(Lane(aLo, aHi, i, n), n, m, fpcr, rounding, ref fpsr));
        cpu.Fpsr |= fpsr;
        if (q) cpu.SetQ(rd, cpu.GetD(rd), r);
        else cpu.SetD(rd, r);
    }

    /// <summary>FCVTXN (scalar), C7.2.98: D -> S with round-to-odd.</summary>
    public static void FcvtxnScalar(CpuCore cpu, int rd, int rn)
    {
        uint fpsr = 0;
        ulong r = Fp.Convert(cpu.GetD(rn), 64, 32, cpu.Fpcr, FpRounding.Odd, ref fpsr);
        cpu.Fpsr |= fpsr;
        cpu.SetS(rd, (uint)r);
    }

    /// <summary>FCVTL/FCVTL2, C7.2.73: widens 4H->4S (sz=0) or 2S->2D (sz=1) from the lower (Q=0) or upper half.</summary>
    public static void FcvtlVec(CpuCore cpu, int rd, int rn, bool sz, bool q)
    {
        int m = FpWidth(sz), n = m / 2, lanes = 64 / n;
        ulong src = q ? cpu.GetDHigh(rn) : cpu.GetD(rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, m, Fp.Convert(Lane(src, 0, i, n), n, m, fpcr, FpBits.RMode(fpcr), ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }

    /// <summary>
    /// FMAXNMV/FMINNMV/FMAXV/FMINV (4S), C7.2.110/C7.2.120/C7.2.107/C7.2.117: Reduce() pairs halves recursively,
    /// op(op(e0, e1), op(e2, e3)); the row names the operation (T).
    /// </summary>
    internal static void FpAcross<T>(CpuCore cpu, int rd, int rn) where T : struct, IFpOp2
    {
        ulong lo = cpu.GetD(rn), hi = cpu.GetDHigh(rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong a = T.Apply(lo & 0xFFFF_FFFF, lo >> 32, 32, fpcr, ref fpsr);
        ulong b = T.Apply(hi & 0xFFFF_FFFF, hi >> 32, 32, fpcr, ref fpsr);
        ulong r = T.Apply(a, b, 32, fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        cpu.SetS(rd, (uint)r);
    }

    /// <summary>FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP (scalar), C7.2.56 ff.: op(Vn[0], Vn[1]) of a 2S/2D vector.</summary>
    internal static void FpPairScalar<T>(CpuCore cpu, int rd, int rn, bool sz) where T : struct, IFpOp2
    {
        int n = FpWidth(sz);
        ulong lo = cpu.GetD(rn), hi = cpu.GetDHigh(rn);
        ulong a = n == 64 ? lo : lo & 0xFFFF_FFFF, b = n == 64 ? hi : lo >> 32;
        uint fpsr = 0;
        ulong r = T.Apply(a, b, n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, n, r);
    }

    /// <summary>
    /// One lane of the shift-by-immediate FP conversions: FCVTZS/FCVTZU (toFixed) or SCVTF/UCVTF, with
    /// fbits = 2*esize - immh:immb, which is esize - imm for the imm field of the rows (immh:immb = esize + imm).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FixedLane(bool toFixed, bool isUnsigned, ulong x, int n, int fbits, uint fpcr, ref uint fpsr) =>
        toFixed
            ? Fp.ToFixed(x, n, fbits, isUnsigned, n, fpcr, FpRounding.Zero, ref fpsr)
            : Fp.FixedToFp(x, n, isUnsigned, fbits, n, fpcr, FpBits.RMode(fpcr), ref fpsr);

    /// <summary>SCVTF/UCVTF/FCVTZS/FCVTZU (vector and scalar, fixed-point), C7.2.233/C7.2.349/C7.2.91/C7.2.95.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpFixed(CpuCore cpu, int rd, int rn, int imm, bool sz, bool toFixed, bool isUnsigned, bool q = false, bool scalar = false)
    {
        int n = FpWidth(sz), fbits = n - imm, lanes = VecLanes(q, scalar, n);
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, FixedLane(toFixed, isUnsigned, Lane(aLo, aHi, i, n), n, fbits, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }
}
