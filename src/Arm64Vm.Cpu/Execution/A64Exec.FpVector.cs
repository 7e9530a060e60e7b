using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD floating point: three same (vector and scalar) and by-element (Arm ARM C4.1.96). Lanes are read from and
/// written to two 64-bit halves; no allocation. sz = bit 22 selects 32/64-bit lanes, Q = bit 30 the 128-bit form.
/// </summary>
public static partial class A64Exec
{
    /// <summary>sz = 1 (double lanes) requires Q = 1.</summary>
    public static bool FpVecValid(uint raw) => ((raw >> 22) & 1) == 0 || ((raw >> 30) & 1) != 0;

    /// <summary>By element, vector: sz = 1 requires L = 0 and Q = 1.</summary>
    public static bool FpElemVecValid(uint raw) => ((raw >> 22) & 1) == 0 || (((raw >> 21) & 1) == 0 && ((raw >> 30) & 1) != 0);

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int VecLanes(ref DecodedInst d, int n) => (d.Bit(30) ? 128 : 64) / n;

    internal static void VecOp2<T>(CpuCore cpu, ref DecodedInst d) where T : struct, IFpOp2
    {
        int n = FpSize(ref d), lanes = VecLanes(ref d, n);
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn), bLo = cpu.GetD(d.Rm), bHi = cpu.GetDHigh(d.Rm);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, T.Apply(Lane(aLo, aHi, i, n), Lane(bLo, bHi, i, n), n, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    /// <summary>Pairwise: the operand is the concatenation Vm:Vn; result lane i = op(concat[2i], concat[2i+1]).</summary>
    internal static void VecPair<T>(CpuCore cpu, ref DecodedInst d) where T : struct, IFpOp2
    {
        int n = FpSize(ref d), lanes = VecLanes(ref d, n);
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn), bLo = cpu.GetD(d.Rm), bHi = cpu.GetDHigh(d.Rm);
        if (!d.Bit(30)) { aHi = bLo; bLo = 0; } // 64-bit form: concat = Vm[63:0]:Vn[63:0]
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        int half = lanes / 2;
        for (int i = 0; i < lanes; i++)
        {
            ulong x, y;
            if (!d.Bit(30)) { x = Lane(aLo, aHi, 2 * i, n); y = Lane(aLo, aHi, 2 * i + 1, n); }
            else if (i < half) { x = Lane(aLo, aHi, 2 * i, n); y = Lane(aLo, aHi, 2 * i + 1, n); }
            else { x = Lane(bLo, bHi, 2 * (i - half), n); y = Lane(bLo, bHi, 2 * (i - half) + 1, n); }
            SetLane(ref rLo, ref rHi, i, n, T.Apply(x, y, n, fpcr, ref fpsr));
        }
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    /// <summary>FMLA / FMLS (vector): Vd = FPMulAdd(Vd, [-]Vn, Vm) per lane.</summary>
    internal static void VecFma(CpuCore cpu, ref DecodedInst d, bool sub)
    {
        int n = FpSize(ref d), lanes = VecLanes(ref d, n);
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn), bLo = cpu.GetD(d.Rm), bHi = cpu.GetDHigh(d.Rm);
        ulong cLo = cpu.GetD(d.Rd), cHi = cpu.GetDHigh(d.Rd);
        uint fpcr = cpu.Fpcr, fpsr = 0;
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
        {
            ulong x = Lane(aLo, aHi, i, n);
            if (sub) x = Fp.Neg(x, n);
            SetLane(ref rLo, ref rHi, i, n, Fp.MulAdd(Lane(cLo, cHi, i, n), x, Lane(bLo, bHi, i, n), n, fpcr, ref fpsr));
        }
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    internal static void ScalarOp2<T>(CpuCore cpu, ref DecodedInst d) where T : struct, IFpOp2
    {
        int n = FpSize(ref d);
        uint fpsr = 0;
        ulong r = T.Apply(FpRead(cpu, d.Rn, n), FpRead(cpu, d.Rm, n), n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }



    /// <summary>Element index and register of a by-element FP operand: sz=0 index H:L, sz=1 index H; Rm = M:Rm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ElemOperand(CpuCore cpu, ref DecodedInst d, int n)
    {
        int rm = (int)d.Bits(20, 16);
        int index = n == 64 ? (int)d.Bits(11, 11) : (int)((d.Bits(11, 11) << 1) | d.Bits(21, 21));
        return Lane(cpu.GetD(rm), cpu.GetDHigh(rm), index, n);
    }

    /// <summary>One by-element lane: opcode [15:12] 0001 FMLA, 0101 FMLS, 1001 FMUL (U=0) / FMULX (U=1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ElemLane(uint opcode, bool u, ulong acc, ulong x, ulong y, int n, uint fpcr, ref uint fpsr)
    {
        if (opcode == 0b1001) return u ? Fp.MulX(x, y, n, fpcr, ref fpsr) : Fp.Mul(x, y, n, fpcr, ref fpsr);
        if (opcode == 0b0101) x = Fp.Neg(x, n);
        return Fp.MulAdd(acc, x, y, n, fpcr, ref fpsr);
    }

    /// <summary>FMLA/FMLS/FMUL/FMULX (by element, vector), C7.2.124/C7.2.126/C7.2.129/C7.2.138.</summary>
    public static void FpElemVec(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d), lanes = VecLanes(ref d, n);
        ulong y = ElemOperand(cpu, ref d, n);
        ulong aLo = cpu.GetD(d.Rn), aHi = cpu.GetDHigh(d.Rn), cLo = cpu.GetD(d.Rd), cHi = cpu.GetDHigh(d.Rd);
        uint fpcr = cpu.Fpcr, fpsr = 0, opcode = d.Bits(15, 12);
        bool u = d.Bit(29);
        ulong rLo = 0, rHi = 0;
        for (int i = 0; i < lanes; i++)
            SetLane(ref rLo, ref rHi, i, n, ElemLane(opcode, u, Lane(cLo, cHi, i, n), Lane(aLo, aHi, i, n), y, n, fpcr, ref fpsr));
        cpu.Fpsr |= fpsr;
        cpu.SetQ(d.Rd, rLo, rHi);
    }

    /// <summary>FMLA/FMLS/FMUL/FMULX (by element, scalar).</summary>
    public static void FpElemScalar(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d);
        ulong y = ElemOperand(cpu, ref d, n);
        uint fpsr = 0;
        ulong r = ElemLane(d.Bits(15, 12), d.Bit(29), FpRead(cpu, d.Rd, n), FpRead(cpu, d.Rn, n), y, n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }
}
