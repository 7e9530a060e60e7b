using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD floating point: three same (vector and scalar) and by-element (Arm ARM C4.1.96). Lanes are read from and
/// written to two 64-bit halves; no allocation. The rows bind the fields by name: sz selects 32/64-bit lanes, q the
/// 128-bit form.
/// </summary>
public static partial class A64Exec
{
    /// <summary>sz = 1 (double lanes) requires Q = 1.</summary>
    public static bool FpVecValid(bool sz, bool q) => !sz || q;

    /// <summary>By element, vector: sz = 1 requires L = 0 and Q = 1.</summary>
    public static bool FpElemVecValid(bool sz, bool l, bool q) => !sz || (!l && q);

    /// <summary>By element, scalar: sz = 1 requires L = 0.</summary>
    public static bool FpElemScalarValid(uint raw) => ((raw >> 22) & 1) == 0 || ((raw >> 21) & 1) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Lane(ulong lo, ulong hi, int i, int n)
    {
        if (n == 64) return i == 0 ? lo : hi;
        int per = 64 / n;
        ulong w = i < per ? lo : hi;
        return (w >> ((i & (per - 1)) * n)) & FpBits.Mask(n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SetLane(ref ulong lo, ref ulong hi, int i, int n, ulong v)
    {
        if (n == 64) { if (i == 0) lo = v; else hi = v; return; }
        int per = 64 / n;
        int sh = (i & (per - 1)) * n;
        ulong mask = FpBits.Mask(n) << sh;
        if (i < per) lo = (lo & ~mask) | ((v << sh) & mask);
        else hi = (hi & ~mask) | ((v << sh) & mask);
    }

    /// <summary>Lane width in bits from the sz field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FpWidth(bool sz) => sz ? 64 : 32;

    /// <summary>Lanes of the operation: one for the scalar forms (the row passes scalar=true), else 64 or 128 bits by Q.
    /// A scalar result is lane 0 with the rest of the register zeroed, as the vector form writes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int VecLanes(bool q, bool scalar, int n) => scalar ? 1 : (q ? 128 : 64) / n;

    /// <summary>Three same FP, vector and scalar: the row names the lane operation (T).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpOp2<T>(CpuCore cpu, int rd, int rn, int rm, bool sz, bool q = false, bool scalar = false) where T : struct, IFpOp2
    {
        int n = FpWidth(sz), lanes = VecLanes(q, scalar, n);
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn), bLo = cpu.GetD(rm), bHi = cpu.GetDHigh(rm);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, T.Apply(Lane(aLo, aHi, i, n), Lane(bLo, bHi, i, n), n, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }

    /// <summary>Pairwise: the operand is the concatenation Vm:Vn; result lane i = op(concat[2i], concat[2i+1]).</summary>
    internal static void VecPair<T>(CpuCore cpu, int rd, int rn, int rm, bool sz, bool q) where T : struct, IFpOp2
    {
        int n = FpWidth(sz), lanes = VecLanes(q, false, n);
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn), bLo = cpu.GetD(rm), bHi = cpu.GetDHigh(rm);
        if (!q) { aHi = bLo; bLo = 0; } // 64-bit form: concat = Vm[63:0]:Vn[63:0]
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        int half = lanes / 2;
        for (int i = 0; i < lanes; i++)
        {
            ulong x, y;
            if (!q) { x = Lane(aLo, aHi, 2 * i, n); y = Lane(aLo, aHi, 2 * i + 1, n); }
            else if (i < half) { x = Lane(aLo, aHi, 2 * i, n); y = Lane(aLo, aHi, 2 * i + 1, n); }
            else { x = Lane(bLo, bHi, 2 * (i - half), n); y = Lane(bLo, bHi, 2 * (i - half) + 1, n); }
            SetLane(ref rLo, ref rHi, i, n, T.Apply(x, y, n, fpcr, ref fpsr));
        }
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }

    /// <summary>FMLA / FMLS (vector): Vd = FPMulAdd(Vd, [-]Vn, Vm) per lane.</summary>
    internal static void VecFma(CpuCore cpu, int rd, int rn, int rm, bool sz, bool q, bool sub)
    {
        int n = FpWidth(sz), lanes = VecLanes(q, false, n);
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn), bLo = cpu.GetD(rm), bHi = cpu.GetDHigh(rm);
        ulong cLo = cpu.GetD(rd), cHi = cpu.GetDHigh(rd);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
        {
            ulong x = Lane(aLo, aHi, i, n);
            if (sub) x = Fp.Neg(x, n);
            SetLane(ref rLo, ref rHi, i, n, Fp.MulAdd(Lane(cLo, cHi, i, n), x, Lane(bLo, bHi, i, n), n, fpcr, ref fpsr));
        }
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }

    /// <summary>The by-element FP operand: V(M:Rm&lt;3:0&gt;)[index], index H:L for single (sz = 0), H for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ElemOperand(CpuCore cpu, int rm, bool m, bool h, bool l, int n)
    {
        int reg = (m ? 16 : 0) | rm;
        int index = n == 64 ? (h ? 1 : 0) : (h ? 2 : 0) | (l ? 1 : 0);
        return Lane(cpu.GetD(reg), cpu.GetDHigh(reg), index, n);
    }

    /// <summary>The by-element FP operations; each row names its own.</summary>
    internal enum FpElemOp : byte { Mla, Mls, Mul, MulX }

    /// <summary>One by-element lane: FMLA, FMLS (acc + (-)x * y, fused), FMUL or FMULX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ElemLane(FpElemOp op, ulong acc, ulong x, ulong y, int n, uint fpcr, ref uint fpsr) => op switch
    {
        FpElemOp.Mul => Fp.Mul(x, y, n, fpcr, ref fpsr),
        FpElemOp.MulX => Fp.MulX(x, y, n, fpcr, ref fpsr),
        FpElemOp.Mls => Fp.MulAdd(acc, Fp.Neg(x, n), y, n, fpcr, ref fpsr),
        _ => Fp.MulAdd(acc, x, y, n, fpcr, ref fpsr),
    };

    /// <summary>FMLA/FMLS/FMUL/FMULX (by element, vector and scalar), C7.2.124/C7.2.126/C7.2.129/C7.2.138.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpElem(CpuCore cpu, int rd, int rn, int rm, bool sz, bool l, bool m, bool h, FpElemOp op, bool q = false, bool scalar = false)
    {
        int n = FpWidth(sz), lanes = VecLanes(q, scalar, n);
        ulong y = ElemOperand(cpu, rm, m, h, l, n);
        ulong aLo = cpu.GetD(rn), aHi = cpu.GetDHigh(rn), cLo = cpu.GetD(rd), cHi = cpu.GetDHigh(rd);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, ElemLane(op, Lane(cLo, cHi, i, n), Lane(aLo, aHi, i, n), y, n, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(rd, rLo, rHi);
    }
}
