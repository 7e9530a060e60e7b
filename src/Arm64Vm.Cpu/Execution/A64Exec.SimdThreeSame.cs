using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>A whole-vector operation on two operands with elements of 2^log2 bytes (exact Vector128 forms).</summary>
internal interface IVecOp2
{
    static abstract Vector128<byte> Op(Vector128<byte> n, Vector128<byte> m, int log2);
}

/// <summary>One element-wise Vector128 operation for any element type (the caller picks the type by element size).</summary>
internal interface IElemOp
{
    static abstract Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b);
}

/// <summary>A bitwise operation that may read the destination too (AND ... BIF).</summary>
internal interface IVecBitOp
{
    static abstract Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m);
}

/// <summary>
/// AdvSIMD three same (integer) and AdvSIMD scalar three same (Arm ARM C4.1.71.x): vector forms use
/// Vector128 operations where they are exact; the others run the lane loop with a per-instruction lane op.
/// </summary>
public static partial class A64Exec
{
    // ---- Exact Vector128 forms, C7.2.2 ADD, C7.2.349 SUB, C7.2.29 CMEQ, C7.2.40 CMTST, C7.2.33 CMGT, C7.2.31 CMGE,
    //      C7.2.35 CMHI, C7.2.36 CMHS, C7.2.251 SMAX, C7.2.254 SMIN, C7.2.355 UMAX, C7.2.358 UMIN ----
    /// <summary>Vector and scalar three same with an exact Vector128 operation: the row names it (T) and passes
    /// scalar=true (and size=3) for the scalar forms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Vec2<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool q = false, bool scalar = false) where T : IVecOp2 =>
        WriteVec(cpu, rd, T.Op(cpu.Vr[rn], cpu.Vr[rm], size), size, q, scalar);

    /// <summary>Elements of 2^log2 bytes as unsigned integers, operated on by T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> AsUnsigned<T>(Vector128<byte> a, Vector128<byte> b, int log2) where T : IElemOp => log2 switch
    {
        0 => T.Op(a, b),
        1 => T.Op(a.AsUInt16(), b.AsUInt16()).AsByte(),
        2 => T.Op(a.AsUInt32(), b.AsUInt32()).AsByte(),
        _ => T.Op(a.AsUInt64(), b.AsUInt64()).AsByte(),
    };

    /// <summary>Elements of 2^log2 bytes as signed integers, operated on by T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> AsSigned<T>(Vector128<byte> a, Vector128<byte> b, int log2) where T : IElemOp => log2 switch
    {
        0 => T.Op(a.AsSByte(), b.AsSByte()).AsByte(),
        1 => T.Op(a.AsInt16(), b.AsInt16()).AsByte(),
        2 => T.Op(a.AsInt32(), b.AsInt32()).AsByte(),
        _ => T.Op(a.AsInt64(), b.AsInt64()).AsByte(),
    };

    internal struct ElemAdd : IElemOp { public static Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b) => a + b; }
    internal struct ElemSub : IElemOp { public static Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b) => a - b; }
    internal struct ElemEq : IElemOp { public static Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b) => Vector128.Equals(a, b); }
    internal struct ElemGt : IElemOp { public static Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b) => Vector128.GreaterThan(a, b); }
    internal struct ElemMax : IElemOp { public static Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b) => Vector128.Max(a, b); }
    internal struct ElemMin : IElemOp { public static Vector128<E> Op<E>(Vector128<E> a, Vector128<E> b) => Vector128.Min(a, b); }

    internal struct VecAdd : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsUnsigned<ElemAdd>(a, b, log2); }
    internal struct VecSub : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsUnsigned<ElemSub>(a, b, log2); }
    internal struct VecEq : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsUnsigned<ElemEq>(a, b, log2); }
    /// <summary>CMTST: (n AND m) != 0.</summary>
    internal struct VecTst : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => ~VecEq.Op(a & b, Vector128<byte>.Zero, log2); }
    /// <summary>CMGT: signed n &gt; m.</summary>
    internal struct VecGtS : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsSigned<ElemGt>(a, b, log2); }
    /// <summary>CMGE: signed n &gt;= m, i.e. NOT (m &gt; n).</summary>
    internal struct VecGeS : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => ~AsSigned<ElemGt>(b, a, log2); }
    /// <summary>CMHI: unsigned n &gt; m.</summary>
    internal struct VecGtU : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsUnsigned<ElemGt>(a, b, log2); }
    /// <summary>CMHS: unsigned n &gt;= m, i.e. NOT (m &gt; n).</summary>
    internal struct VecGeU : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => ~AsUnsigned<ElemGt>(b, a, log2); }
    internal struct VecMaxS : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsSigned<ElemMax>(a, b, log2); }
    internal struct VecMinS : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsSigned<ElemMin>(a, b, log2); }
    internal struct VecMaxU : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsUnsigned<ElemMax>(a, b, log2); }
    internal struct VecMinU : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> b, int log2) => AsUnsigned<ElemMin>(a, b, log2); }

    // ---- Logical (size field selects the operation), C7.2.11 AND, C7.2.21 BIC, C7.2.211 ORN, C7.2.213 ORR,
    //      C7.2.64 EOR, C7.2.26 BSL, C7.2.25 BIT, C7.2.24 BIF ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Bitwise<T>(CpuCore cpu, int rd, int rn, int rm, bool q) where T : IVecBitOp =>
        WriteVec(cpu, rd, T.Op(cpu.Vr[rd], cpu.Vr[rn], cpu.Vr[rm]), 3, q);

    internal struct BitAnd : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => n & m; }
    internal struct BitBic : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => Vector128.AndNot(n, m); }
    internal struct BitOrr : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => n | m; }
    internal struct BitOrn : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => n | ~m; }
    internal struct BitEor : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => n ^ m; }
    /// <summary>BSL: Vd selects between Vn (1) and Vm (0).</summary>
    internal struct BitBsl : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => m ^ ((m ^ n) & d); }
    /// <summary>BIT: insert Vn bits where Vm is 1.</summary>
    internal struct BitBit : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => d ^ ((d ^ n) & m); }
    /// <summary>BIF: insert Vn bits where Vm is 0.</summary>
    internal struct BitBif : IVecBitOp { public static Vector128<byte> Op(Vector128<byte> d, Vector128<byte> n, Vector128<byte> m) => d ^ ((d ^ n) & ~m); }

    // ---- Lane ops ----
    internal struct OpShadd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)((Lanes.Sx(a, l) + Lanes.Sx(b, l)) >> 1); }
    internal struct OpUhadd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (a + b) >> 1; }
    internal struct OpSrhadd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)((Lanes.Sx(a, l) + Lanes.Sx(b, l) + 1) >> 1); }
    internal struct OpUrhadd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (a + b + 1) >> 1; }
    internal struct OpShsub : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)((Lanes.Sx(a, l) - Lanes.Sx(b, l)) >> 1); }
    internal struct OpUhsub : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)(((long)a - (long)b) >> 1); }
    internal struct OpSqadd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatS((Int128)Lanes.Sx(a, l) + Lanes.Sx(b, l), l, ref s); }
    internal struct OpUqadd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatU((Int128)a + b, l, ref s); }
    internal struct OpSqsub : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatS((Int128)Lanes.Sx(a, l) - Lanes.Sx(b, l), l, ref s); }
    internal struct OpUqsub : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatU((Int128)a - b, l, ref s); }
    internal struct OpSshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)ShiftRound(Lanes.Sx(a, l), (sbyte)b, false); }
    internal struct OpUshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)ShiftRound(a, (sbyte)b, false); }
    internal struct OpSrshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)ShiftRound(Lanes.Sx(a, l), (sbyte)b, true); }
    internal struct OpUrshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => (ulong)ShiftRound(a, (sbyte)b, true); }
    internal struct OpSqshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatS(ShiftRound(Lanes.Sx(a, l), (sbyte)b, false), l, ref s); }
    internal struct OpUqshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatU(ShiftRound(a, (sbyte)b, false), l, ref s); }
    internal struct OpSqrshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatS(ShiftRound(Lanes.Sx(a, l), (sbyte)b, true), l, ref s); }
    internal struct OpUqrshl : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatU(ShiftRound(a, (sbyte)b, true), l, ref s); }
    internal struct OpSabd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) { long x = Lanes.Sx(a, l) - Lanes.Sx(b, l); return (ulong)(x < 0 ? -x : x); } }
    internal struct OpUabd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => a > b ? a - b : b - a; }
    internal struct OpSaba : ILaneOp3 { public static ulong Op(ulong d, ulong a, ulong b, int l, ref bool s) => d + OpSabd.Op(a, b, l, ref s); }
    internal struct OpUaba : ILaneOp3 { public static ulong Op(ulong d, ulong a, ulong b, int l, ref bool s) => d + OpUabd.Op(a, b, l, ref s); }
    internal struct OpMla : ILaneOp3 { public static ulong Op(ulong d, ulong a, ulong b, int l, ref bool s) => d + a * b; }
    internal struct OpMls : ILaneOp3 { public static ulong Op(ulong d, ulong a, ulong b, int l, ref bool s) => d - a * b; }
    internal struct OpMul : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => a * b; }
    internal struct OpPmul : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => PolyMul(a, b, 8 << l); }
    internal struct OpAdd : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => a + b; }
    internal struct OpSmax : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => Lanes.Sx(a, l) >= Lanes.Sx(b, l) ? a : b; }
    internal struct OpSmin : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => Lanes.Sx(a, l) <= Lanes.Sx(b, l) ? a : b; }
    internal struct OpUmax : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => a >= b ? a : b; }
    internal struct OpUmin : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => a <= b ? a : b; }

    /// <summary>(2 * a * b [+ 2^(esize-1)]) &gt;&gt; esize, saturated: SQDMULH / SQRDMULH.</summary>
    internal struct OpSqdmulh : ILaneOp2 { public static ulong Op(ulong a, ulong b, int l, ref bool s) => SatS(((Int128)Lanes.Sx(a, l) * Lanes.Sx(b, l) * 2) >> (8 << l), l, ref s); }
    internal struct OpSqrdmulh : ILaneOp2
    {
        public static ulong Op(ulong a, ulong b, int l, ref bool s) =>
            SatS(((Int128)Lanes.Sx(a, l) * Lanes.Sx(b, l) * 2 + (Int128.One << ((8 << l) - 1))) >> (8 << l), l, ref s);
    }

    /// <summary>Polynomial (carry-less) multiply of two elements of <paramref name="bits"/> bits, low half kept.</summary>
    internal static ulong PolyMul(ulong a, ulong b, int bits)
    {
        ulong r = 0;
        for (int i = 0; i < bits; i++) if (((b >> i) & 1) != 0) r ^= a << i;
        return r;
    }


    /// <summary>ADDP (scalar): Dd = Vn.D[0] + Vn.D[1], C7.2.5.</summary>
    public static void ADDP_s(CpuCore cpu, int rd, int rn) => cpu.SetD(rd, cpu.GetD(rn) + cpu.GetDHigh(rn));
}
