using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD three same (integer) and AdvSIMD scalar three same (Arm ARM C4.1.71.x): vector forms use
/// Vector128 operations where they are exact; the others run the lane loop with a per-instruction lane op.
/// </summary>
public static partial class A64Exec
{
    // ---- Vector128 helpers by element size ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VAdd(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => a + b,
        1 => (a.AsUInt16() + b.AsUInt16()).AsByte(),
        2 => (a.AsUInt32() + b.AsUInt32()).AsByte(),
        _ => (a.AsUInt64() + b.AsUInt64()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VSub(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => a - b,
        1 => (a.AsUInt16() - b.AsUInt16()).AsByte(),
        2 => (a.AsUInt32() - b.AsUInt32()).AsByte(),
        _ => (a.AsUInt64() - b.AsUInt64()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VEq(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.Equals(a, b),
        1 => Vector128.Equals(a.AsUInt16(), b.AsUInt16()).AsByte(),
        2 => Vector128.Equals(a.AsUInt32(), b.AsUInt32()).AsByte(),
        _ => Vector128.Equals(a.AsUInt64(), b.AsUInt64()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VGtS(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.GreaterThan(a.AsSByte(), b.AsSByte()).AsByte(),
        1 => Vector128.GreaterThan(a.AsInt16(), b.AsInt16()).AsByte(),
        2 => Vector128.GreaterThan(a.AsInt32(), b.AsInt32()).AsByte(),
        _ => Vector128.GreaterThan(a.AsInt64(), b.AsInt64()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VGtU(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.GreaterThan(a, b),
        1 => Vector128.GreaterThan(a.AsUInt16(), b.AsUInt16()).AsByte(),
        2 => Vector128.GreaterThan(a.AsUInt32(), b.AsUInt32()).AsByte(),
        _ => Vector128.GreaterThan(a.AsUInt64(), b.AsUInt64()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VMaxS(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.Max(a.AsSByte(), b.AsSByte()).AsByte(),
        1 => Vector128.Max(a.AsInt16(), b.AsInt16()).AsByte(),
        _ => Vector128.Max(a.AsInt32(), b.AsInt32()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VMinS(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.Min(a.AsSByte(), b.AsSByte()).AsByte(),
        1 => Vector128.Min(a.AsInt16(), b.AsInt16()).AsByte(),
        _ => Vector128.Min(a.AsInt32(), b.AsInt32()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VMaxU(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.Max(a, b),
        1 => Vector128.Max(a.AsUInt16(), b.AsUInt16()).AsByte(),
        _ => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsByte(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> VMinU(Vector128<byte> a, Vector128<byte> b, int log2) => log2 switch
    {
        0 => Vector128.Min(a, b),
        1 => Vector128.Min(a.AsUInt16(), b.AsUInt16()).AsByte(),
        _ => Vector128.Min(a.AsUInt32(), b.AsUInt32()).AsByte(),
    };

    // ---- Exact Vector128 forms ----
    /// <summary>ADD (vector, scalar), C7.2.2.</summary>
    public static void ADD(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VAdd(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>SUB (vector, scalar), C7.2.349.</summary>
    public static void SUB(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VSub(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>CMEQ (register), C7.2.29.</summary>
    public static void CMEQ(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VEq(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>CMTST: (n AND m) != 0, C7.2.40.</summary>
    public static void CMTST(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, ~VEq(cpu.Vr[d.Rn] & cpu.Vr[d.Rm], Vector128<byte>.Zero, s), s);
    }

    /// <summary>CMGT (register), signed n &gt; m, C7.2.33.</summary>
    public static void CMGT(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VGtS(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>CMGE (register), signed n &gt;= m, C7.2.31.</summary>
    public static void CMGE(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, ~VGtS(cpu.Vr[d.Rm], cpu.Vr[d.Rn], s), s);
    }

    /// <summary>CMHI (register), unsigned n &gt; m, C7.2.35.</summary>
    public static void CMHI(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VGtU(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>CMHS (register), unsigned n &gt;= m, C7.2.36.</summary>
    public static void CMHS(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, ~VGtU(cpu.Vr[d.Rm], cpu.Vr[d.Rn], s), s);
    }

    /// <summary>SMAX, C7.2.251.</summary>
    public static void SMAX(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VMaxS(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>SMIN, C7.2.254.</summary>
    public static void SMIN(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VMinS(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>UMAX, C7.2.355.</summary>
    public static void UMAX(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VMaxU(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    /// <summary>UMIN, C7.2.358.</summary>
    public static void UMIN(CpuCore cpu, ref DecodedInst d)
    {
        int s = Size(ref d);
        WriteVec(cpu, ref d, VMinU(cpu.Vr[d.Rn], cpu.Vr[d.Rm], s), s);
    }

    // ---- Logical (size field selects the operation), C7.2.11 AND, C7.2.21 BIC, C7.2.211 ORN, C7.2.213 ORR,
    //      C7.2.64 EOR, C7.2.26 BSL, C7.2.25 BIT, C7.2.24 BIF ----
    public static void AND_v(CpuCore cpu, ref DecodedInst d) { WriteVec(cpu, ref d, cpu.Vr[d.Rn] & cpu.Vr[d.Rm], 3); }
    public static void BIC_v(CpuCore cpu, ref DecodedInst d) { WriteVec(cpu, ref d, Vector128.AndNot(cpu.Vr[d.Rn], cpu.Vr[d.Rm]), 3); }
    public static void ORR_v(CpuCore cpu, ref DecodedInst d) { WriteVec(cpu, ref d, cpu.Vr[d.Rn] | cpu.Vr[d.Rm], 3); }
    public static void ORN_v(CpuCore cpu, ref DecodedInst d) { WriteVec(cpu, ref d, cpu.Vr[d.Rn] | ~cpu.Vr[d.Rm], 3); }
    public static void EOR_v(CpuCore cpu, ref DecodedInst d) { WriteVec(cpu, ref d, cpu.Vr[d.Rn] ^ cpu.Vr[d.Rm], 3); }

    /// <summary>BSL: Vd selects between Vn (1) and Vm (0).</summary>
    public static void BSL_v(CpuCore cpu, ref DecodedInst d)
    {
        var m = cpu.Vr[d.Rm];
        WriteVec(cpu, ref d, m ^ ((m ^ cpu.Vr[d.Rn]) & cpu.Vr[d.Rd]), 3);
    }

    /// <summary>BIT: insert Vn bits where Vm is 1.</summary>
    public static void BIT_v(CpuCore cpu, ref DecodedInst d)
    {
        var dv = cpu.Vr[d.Rd];
        WriteVec(cpu, ref d, dv ^ ((dv ^ cpu.Vr[d.Rn]) & cpu.Vr[d.Rm]), 3);
    }

    /// <summary>BIF: insert Vn bits where Vm is 0.</summary>
    public static void BIF_v(CpuCore cpu, ref DecodedInst d)
    {
        var dv = cpu.Vr[d.Rd];
        WriteVec(cpu, ref d, dv ^ ((dv ^ cpu.Vr[d.Rn]) & ~cpu.Vr[d.Rm]), 3);
    }

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
    public static void ADDP_s(CpuCore cpu, ref DecodedInst d)
    {
        cpu.SetD(d.Rd, cpu.GetD(d.Rn) + cpu.GetDHigh(d.Rn));
    }
}
