using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Execution;

/// <summary>A two-operand FP lane operation; struct implementations let the JIT specialise each lane loop.</summary>
internal interface IFpOp2
{
    static abstract ulong Apply(ulong a, ulong b, int n, uint fpcr, ref uint fpsr);
}

/// <summary>The lane operations of the AdvSIMD FP three-same group (Arm ARM C4.1.96 / J1 pseudocode functions).</summary>
internal static class FpOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bool(bool b, int n) => b ? FpBits.Mask(n) : 0;

    public struct Add : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.Add(a, b, n, c, ref s); }
    public struct Sub : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.Sub(a, b, n, c, ref s); }
    public struct Mul : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.Mul(a, b, n, c, ref s); }
    public struct Div : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.Div(a, b, n, c, ref s); }
    public struct MulX : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.MulX(a, b, n, c, ref s); }
    public struct Max : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.MaxMin(a, b, true, n, c, ref s); }
    public struct Min : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.MaxMin(a, b, false, n, c, ref s); }
    public struct MaxNum : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.MaxMinNum(a, b, true, n, c, ref s); }
    public struct MinNum : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.MaxMinNum(a, b, false, n, c, ref s); }
    /// <summary>FABD: FPAbs(FPSub(a, b)) — the sign of a NaN result is cleared too.</summary>
    public struct Abd : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.Abs(Fp.Sub(a, b, n, c, ref s), n); }
    public struct Recps : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.StepFused(a, b, false, n, c, ref s); }
    public struct Rsqrts : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Fp.StepFused(a, b, true, n, c, ref s); }
    public struct CmEq : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Bool(Fp.CompareEQ(a, b, n, c, ref s), n); }
    public struct CmGe : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Bool(Fp.CompareGE(a, b, false, n, c, ref s), n); }
    public struct CmGt : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Bool(Fp.CompareGE(a, b, true, n, c, ref s), n); }
    public struct AcGe : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Bool(Fp.CompareGE(Fp.Abs(a, n), Fp.Abs(b, n), false, n, c, ref s), n); }
    public struct AcGt : IFpOp2 { public static ulong Apply(ulong a, ulong b, int n, uint c, ref uint s) => Bool(Fp.CompareGE(Fp.Abs(a, n), Fp.Abs(b, n), true, n, c, ref s), n); }
}
