using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;
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

    /// <summary>The unary lane operations of two-register misc FP, selected by U:a:opcode (bits 29, 23, 16:12).</summary>
    internal enum FpUnary : byte { Abs, Neg, Sqrt, Recpe, Rsqrte, Recpx, Rint, ToInt, FromInt, CmpZero }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FpRounding CvtRounding(ref DecodedInst d) =>
        d.Bits(16, 12) == 0b11100 ? FpRounding.TieAway
        : (d.Bits(23, 23) << 1 | d.Bits(12, 12)) switch { 0 => FpRounding.TieEven, 1 => FpRounding.NegInf, 2 => FpRounding.PosInf, _ => FpRounding.Zero };

    /// <summary>One lane of a two-register misc FP operation.</summary>
    private static ulong MiscLane(FpUnary op, ref DecodedInst d, ulong x, int n, uint fpcr, ref uint fpsr)
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
                // U:o2:o1 = 000 N, 001 M, 010 P, 011 Z, 100 A, 101 X, 111 I.
                uint sel = d.Bits(29, 29) << 2 | d.Bits(23, 23) << 1 | d.Bits(12, 12);
                uint rm = sel switch { 0 => 0u, 1 => 2u, 2 => 1u, 3 => 3u, 4 => 4u, 5 => 6u, _ => 7u };
                FrintMode(rm, fpcr, out var rounding, out bool exact);
                return Fp.RoundInt(x, n, fpcr, rounding, exact, ref fpsr);
            }
            case FpUnary.ToInt: return Fp.ToFixed(x, n, 0, d.Bit(29), n, fpcr, CvtRounding(ref d), ref fpsr);
            case FpUnary.FromInt: return Fp.FixedToFp(x, n, d.Bit(29), 0, n, fpcr, FpBits.RMode(fpcr), ref fpsr);
            default:
            {
                // U:opcode[13:12]: 0:00 GT, 0:01 EQ, 0:10 LT (0 > x), 1:00 GE, 1:01 LE (0 >= x).
                bool r = (d.Bits(29, 29) << 2 | d.Bits(13, 12)) switch
                {
                    0 => Fp.CompareGE(x, 0, true, n, fpcr, ref fpsr),
                    1 => Fp.CompareEQ(x, 0, n, fpcr, ref fpsr),
                    2 => Fp.CompareGE(0, x, true, n, fpcr, ref fpsr),
                    4 => Fp.CompareGE(x, 0, false, n, fpcr, ref fpsr),
                    _ => Fp.CompareGE(0, x, false, n, fpcr, ref fpsr),
                };
                return r ? FpBits.Mask(n) : 0;
            }
        }
    }

    internal static void VecMisc(CpuCore cpu, ref DecodedInst d, FpUnary op)
    {
        int n = FpSize(ref d), lanes = VecLanes(ref d, n);
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, MiscLane(op, ref d, Lane(aLo, aHi, i, n), n, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    internal static void ScalarMisc(CpuCore cpu, ref DecodedInst d, FpUnary op)
    {
        int n = FpSize(ref d);
        uint fpsr = 0;
        ulong r = MiscLane(op, ref d, FpRead(cpu, d.Rn, n), n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }



    /// <summary>
    /// FCVTN/FCVTN2, C7.2.75: narrows 4S->4H (sz=0) or 2D->2S (sz=1) with the FPCR rounding; Q=1 writes the upper
    /// half and keeps the lower one.
    /// </summary>
    public static void FcvtnVec(CpuCore cpu, ref DecodedInst d) => Narrow(cpu, ref d, d.Bit(22) ? 64 : 32, null);

    /// <summary>FCVTXN/FCVTXN2 (vector), C7.2.98: 2D->2S with round-to-odd.</summary>
    public static void FcvtxnVec(CpuCore cpu, ref DecodedInst d) => Narrow(cpu, ref d, 64, FpRounding.Odd);

    private static void Narrow(CpuCore cpu, ref DecodedInst d, int n, FpRounding? forced)
    {
        int m = n / 2, lanes = 64 / m;
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        var rounding = forced ?? FpBits.RMode(fpcr);
        ulong r = 0, unused = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref r, ref unused, i, m, Fp.Convert(Lane(aLo, aHi, i, n), n, m, fpcr, rounding, ref fpsr));
        cpu.Fpsr |= fpsr;
        if (d.Bit(30)) cpu.SetQ(d.Rd, cpu.GetD(d.Rd), r);
        else cpu.SetD(d.Rd, r);
    }

    /// <summary>FCVTXN (scalar), C7.2.98: D -> S with round-to-odd.</summary>
    public static void FcvtxnScalar(CpuCore cpu, ref DecodedInst d)
    {
        uint fpsr = 0;
        ulong r = Fp.Convert(cpu.GetD(d.Rn), 64, 32, cpu.Fpcr, FpRounding.Odd, ref fpsr);
        cpu.Fpsr |= fpsr;
        cpu.SetS(d.Rd, (uint)r);
    }

    /// <summary>FCVTL/FCVTL2, C7.2.73: widens 4H->4S (sz=0) or 2S->2D (sz=1) from the lower (Q=0) or upper half.</summary>
    public static void FcvtlVec(CpuCore cpu, ref DecodedInst d)
    {
        int m = d.Bit(22) ? 64 : 32, n = m / 2, lanes = 64 / n;
        ulong src = d.Bit(30) ? cpu.GetDHigh(d.Rn) : cpu.GetD(d.Rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, m, Fp.Convert(Lane(src, 0, i, n), n, m, fpcr, FpBits.RMode(fpcr), ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReduceOp(uint sel, ulong a, ulong b, int n, uint fpcr, ref uint fpsr) => sel switch
    {
        // a:opcode[13:12]... encoded as (a << 2) | (opcode & 3): 0b000 MAXNM, 0b100 MINNM, 0b011 MAX, 0b111 MIN, 0b001 ADD.
        0b000 => Fp.MaxMinNum(a, b, true, n, fpcr, ref fpsr),
        0b100 => Fp.MaxMinNum(a, b, false, n, fpcr, ref fpsr),
        0b011 => Fp.MaxMin(a, b, true, n, fpcr, ref fpsr),
        0b111 => Fp.MaxMin(a, b, false, n, fpcr, ref fpsr),
        _ => Fp.Add(a, b, n, fpcr, ref fpsr),
    };

    /// <summary>
    /// FMAXNMV/FMINNMV/FMAXV/FMINV (4S), C7.2.110/C7.2.120/C7.2.107/C7.2.117: Reduce() pairs halves recursively,
    /// op(op(e0, e1), op(e2, e3)).
    /// </summary>
    public static void FpAcross(CpuCore cpu, ref DecodedInst d)
    {
        ulong lo = cpu.GetD(d.Rn), hi = cpu.GetDHigh(d.Rn);
        uint sel = d.Bits(23, 23) << 2 | d.Bits(13, 12), fpcr = cpu.Fpcr, fpsr = 0;
        ulong a = ReduceOp(sel, lo & 0xFFFF_FFFF, lo >> 32, 32, fpcr, ref fpsr);
        ulong b = ReduceOp(sel, hi & 0xFFFF_FFFF, hi >> 32, 32, fpcr, ref fpsr);
        ulong r = ReduceOp(sel, a, b, 32, fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        cpu.SetS(d.Rd, (uint)r);
    }

    /// <summary>FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP (scalar), C7.2.56 ff.: op(Vn[0], Vn[1]) of a 2S/2D vector.</summary>
    public static void FpPairScalar(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d);
        ulong lo = cpu.GetD(d.Rn), hi = cpu.GetDHigh(d.Rn);
        ulong a = n == 64 ? lo : lo & 0xFFFF_FFFF, b = n == 64 ? hi : lo >> 32;
        uint sel = d.Bits(23, 23) << 2 | d.Bits(13, 12), fpcr = cpu.Fpcr, fpsr = 0;
        ulong r = ReduceOp(sel, a, b, n, fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }

    /// <summary>Lane size and fraction bits of the shift-by-immediate FP conversions: fbits = 2*esize - immh:immb.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FixedShape(ref DecodedInst d, out int fbits)
    {
        int n = d.Bit(22) ? 64 : 32;
        fbits = 2 * n - (int)d.Bits(22, 16);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FixedLane(ref DecodedInst d, ulong x, int n, int fbits, uint fpcr, ref uint fpsr) =>
        d.Bit(11)
            ? Fp.ToFixed(x, n, fbits, d.Bit(29), n, fpcr, FpRounding.Zero, ref fpsr)
            : Fp.FixedToFp(x, n, d.Bit(29), fbits, n, fpcr, FpBits.RMode(fpcr), ref fpsr);

    /// <summary>SCVTF/UCVTF/FCVTZS/FCVTZU (vector, fixed-point), C7.2.233/C7.2.349/C7.2.91/C7.2.95.</summary>
    public static void FpFixedVec(CpuCore cpu, ref DecodedInst d)
    {
        int n = FixedShape(ref d, out int fbits), lanes = VecLanes(ref d, n);
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, FixedLane(ref d, Lane(aLo, aHi, i, n), n, fbits, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    /// <summary>SCVTF/UCVTF/FCVTZS/FCVTZU (scalar, fixed-point, SIMD&amp;FP registers).</summary>
    public static void FpFixedScalarV(CpuCore cpu, ref DecodedInst d)
    {
        int n = FixedShape(ref d, out int fbits);
        uint fpsr = 0;
        ulong r = FixedLane(ref d, FpRead(cpu, d.Rn, n), n, fbits, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }
}
