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

    private static void VecOp2<T>(CpuCore cpu, ref DecodedInst d) where T : struct, IFpOp2
    {
        if (cpu.FpAccessTrapped()) return;
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
    private static void VecPair<T>(CpuCore cpu, ref DecodedInst d) where T : struct, IFpOp2
    {
        if (cpu.FpAccessTrapped()) return;
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
    private static void VecFma(CpuCore cpu, ref DecodedInst d, bool sub)
    {
        if (cpu.FpAccessTrapped()) return;
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

    private static void ScalarOp2<T>(CpuCore cpu, ref DecodedInst d) where T : struct, IFpOp2
    {
        if (cpu.FpAccessTrapped()) return;
        int n = FpSize(ref d);
        uint fpsr = 0;
        ulong r = T.Apply(FpRead(cpu, d.Rn, n), FpRead(cpu, d.Rm, n), n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }

    /// <summary>FMAXNM (vector), C7.2.109.</summary>
    public static void FmaxnmVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.MaxNum>(cpu, ref d);
    /// <summary>FMINNM (vector), C7.2.119.</summary>
    public static void FminnmVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.MinNum>(cpu, ref d);
    /// <summary>FMAX (vector), C7.2.105.</summary>
    public static void FmaxVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Max>(cpu, ref d);
    /// <summary>FMIN (vector), C7.2.115.</summary>
    public static void FminVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Min>(cpu, ref d);
    /// <summary>FADD (vector), C7.2.55.</summary>
    public static void FaddVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Add>(cpu, ref d);
    /// <summary>FSUB (vector), C7.2.179.</summary>
    public static void FsubVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Sub>(cpu, ref d);
    /// <summary>FMUL (vector), C7.2.128.</summary>
    public static void FmulVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Mul>(cpu, ref d);
    /// <summary>FDIV (vector), C7.2.98.</summary>
    public static void FdivVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Div>(cpu, ref d);
    /// <summary>FMULX (vector), C7.2.137.</summary>
    public static void FmulxVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.MulX>(cpu, ref d);
    /// <summary>FABD (vector), C7.2.53.</summary>
    public static void FabdVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Abd>(cpu, ref d);
    /// <summary>FRECPS (vector), C7.2.150.</summary>
    public static void FrecpsVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Recps>(cpu, ref d);
    /// <summary>FRSQRTS (vector), C7.2.171.</summary>
    public static void FrsqrtsVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.Rsqrts>(cpu, ref d);
    /// <summary>FCMEQ (register, vector), C7.2.62.</summary>
    public static void FcmeqVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.CmEq>(cpu, ref d);
    /// <summary>FCMGE (register, vector), C7.2.64.</summary>
    public static void FcmgeVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.CmGe>(cpu, ref d);
    /// <summary>FCMGT (register, vector), C7.2.66.</summary>
    public static void FcmgtVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.CmGt>(cpu, ref d);
    /// <summary>FACGE (vector), C7.2.51.</summary>
    public static void FacgeVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.AcGe>(cpu, ref d);
    /// <summary>FACGT (vector), C7.2.52.</summary>
    public static void FacgtVec(CpuCore cpu, ref DecodedInst d) => VecOp2<FpOps.AcGt>(cpu, ref d);
    /// <summary>FADDP (vector), C7.2.57.</summary>
    public static void FaddpVec(CpuCore cpu, ref DecodedInst d) => VecPair<FpOps.Add>(cpu, ref d);
    /// <summary>FMAXP (vector), C7.2.108.</summary>
    public static void FmaxpVec(CpuCore cpu, ref DecodedInst d) => VecPair<FpOps.Max>(cpu, ref d);
    /// <summary>FMINP (vector), C7.2.118.</summary>
    public static void FminpVec(CpuCore cpu, ref DecodedInst d) => VecPair<FpOps.Min>(cpu, ref d);
    /// <summary>FMAXNMP (vector), C7.2.111.</summary>
    public static void FmaxnmpVec(CpuCore cpu, ref DecodedInst d) => VecPair<FpOps.MaxNum>(cpu, ref d);
    /// <summary>FMINNMP (vector), C7.2.121.</summary>
    public static void FminnmpVec(CpuCore cpu, ref DecodedInst d) => VecPair<FpOps.MinNum>(cpu, ref d);
    /// <summary>FMLA (vector), C7.2.123.</summary>
    public static void FmlaVec(CpuCore cpu, ref DecodedInst d) => VecFma(cpu, ref d, false);
    /// <summary>FMLS (vector), C7.2.127.</summary>
    public static void FmlsVec(CpuCore cpu, ref DecodedInst d) => VecFma(cpu, ref d, true);

    /// <summary>FMULX (scalar), C7.2.137.</summary>
    public static void FmulxScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.MulX>(cpu, ref d);
    /// <summary>FCMEQ (register, scalar), C7.2.62.</summary>
    public static void FcmeqScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.CmEq>(cpu, ref d);
    /// <summary>FRECPS (scalar), C7.2.150.</summary>
    public static void FrecpsScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.Recps>(cpu, ref d);
    /// <summary>FRSQRTS (scalar), C7.2.171.</summary>
    public static void FrsqrtsScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.Rsqrts>(cpu, ref d);
    /// <summary>FCMGE (register, scalar), C7.2.64.</summary>
    public static void FcmgeScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.CmGe>(cpu, ref d);
    /// <summary>FCMGT (register, scalar), C7.2.66.</summary>
    public static void FcmgtScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.CmGt>(cpu, ref d);
    /// <summary>FACGE (scalar), C7.2.51.</summary>
    public static void FacgeScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.AcGe>(cpu, ref d);
    /// <summary>FACGT (scalar), C7.2.52.</summary>
    public static void FacgtScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.AcGt>(cpu, ref d);
    /// <summary>FABD (scalar), C7.2.53.</summary>
    public static void FabdScalar(CpuCore cpu, ref DecodedInst d) => ScalarOp2<FpOps.Abd>(cpu, ref d);

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
        if (cpu.FpAccessTrapped()) return;
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
        if (cpu.FpAccessTrapped()) return;
        int n = FpSize(ref d);
        ulong y = ElemOperand(cpu, ref d, n);
        uint fpsr = 0;
        ulong r = ElemLane(d.Bits(15, 12), d.Bit(29), FpRead(cpu, d.Rd, n), FpRead(cpu, d.Rn, n), y, n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }
}
