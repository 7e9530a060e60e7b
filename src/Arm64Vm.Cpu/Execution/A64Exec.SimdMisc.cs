using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>AdvSIMD (scalar) two-register misc, integer forms, and AdvSIMD across lanes (Arm ARM C4.1.71).</summary>
public static partial class A64Exec
{
    internal struct OpCls : ILaneOp1
    {
        public static ulong Op(ulong a, int l, ref bool s)
        {
            int bits = 8 << l;
            ulong x = (a ^ (a >> 1)) & (Lanes.Mask(l) >> 1); // bit i set where bit i+1 differs from bit i
            return x == 0 ? (ulong)(bits - 1) : (ulong)(bits - 1 - (64 - BitOperations.LeadingZeroCount(x)));
        }
    }
    internal struct OpClz : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => (ulong)(BitOperations.LeadingZeroCount(a) - (64 - (8 << l))); }
    internal struct OpSqabs : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) { long x = Lanes.Sx(a, l); return SatS(x < 0 ? -(Int128)x : x, l, ref s); } }
    internal struct OpSqneg : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => SatS(-(Int128)Lanes.Sx(a, l), l, ref s); }
    internal struct OpAbs : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) { long x = Lanes.Sx(a, l); return (ulong)(x < 0 ? -x : x); } }
    internal struct OpNeg : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => 0 - a; }
    internal struct OpCmgt0 : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => Lanes.Sx(a, l) > 0 ? ulong.MaxValue : 0; }
    internal struct OpCmge0 : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => Lanes.Sx(a, l) >= 0 ? ulong.MaxValue : 0; }
    internal struct OpCmeq0 : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => a == 0 ? ulong.MaxValue : 0; }
    internal struct OpCmle0 : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => Lanes.Sx(a, l) <= 0 ? ulong.MaxValue : 0; }
    internal struct OpCmlt0 : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => Lanes.Sx(a, l) < 0 ? ulong.MaxValue : 0; }
    internal struct OpSuqadd : ILaneOp3 { public static ulong Op(ulong d, ulong a, ulong b, int l, ref bool s) => SatS((Int128)Lanes.Sx(d, l) + a, l, ref s); }
    internal struct OpUsqadd : ILaneOp3 { public static ulong Op(ulong d, ulong a, ulong b, int l, ref bool s) => SatU((Int128)d + Lanes.Sx(a, l), l, ref s); }
    internal struct OpUrecpe : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => (a & 0x8000_0000) == 0 ? 0xFFFF_FFFF : (ulong)RecipEstimate((int)(a >> 23)) << 23; }
    internal struct OpUrsqrte : ILaneOp1 { public static ulong Op(ulong a, int l, ref bool s) => (a & 0xC000_0000) == 0 ? 0xFFFF_FFFF : (ulong)RecipSqrtEstimate((int)(a >> 23)) << 23; }

    /// <summary>RecipEstimate() (Arm ARM J1, integer form): 256 &lt;= a &lt; 512, result 256..511.</summary>
    internal static int RecipEstimate(int a)
    {
        a = a * 2 + 1;
        int b = (1 << 19) / a;
        return (b + 1) / 2;
    }

    /// <summary>RecipSqrtEstimate() (Arm ARM J1, integer form): 128 &lt;= a &lt; 512, result 256..511.</summary>
    internal static int RecipSqrtEstimate(int a)
    {
        if (a < 256) a = a * 2 + 1;
        else { a = (a >> 1) << 1; a = (a + 1) * 2; }
        long b = 512;
        while (a * (b + 1) * (b + 1) < (1L << 28)) b++;
        return (int)((b + 1) / 2);
    }

    /// <summary>
    /// Two-register misc with an exact whole-vector operation: CMEQ (zero) C7.2.30, NOT C7.2.208, CNT C7.2.42,
    /// RBIT (vector) C7.2.220. The row names the operation (T) and passes scalar=true for the scalar form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Vec1<T>(CpuCore cpu, int rd, int rn, int size, bool q = false, bool scalar = false) where T : IVecOp2 =>
        WriteVec(cpu, rd, T.Op(cpu.Vr[rn], Vector128<byte>.Zero, size), size, q, scalar);

    /// <summary>NOT (MVN): every bit inverted (the second operand is unused).</summary>
    internal struct VecNot : IVecOp2 { public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> zero, int log2) => ~a; }

    /// <summary>CNT: population count per byte.</summary>
    internal struct VecCnt : IVecOp2
    {
        public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> zero, int log2) =>
            Vector128.Create(PopBytes(a.AsUInt64().GetElement(0)), PopBytes(a.AsUInt64().GetElement(1))).AsByte();
    }

    /// <summary>RBIT (vector): the bits of each byte reversed.</summary>
    internal struct VecRbit : IVecOp2
    {
        public static Vector128<byte> Op(Vector128<byte> a, Vector128<byte> zero, int log2) =>
            Vector128.Create(RbitBytes(a.AsUInt64().GetElement(0)), RbitBytes(a.AsUInt64().GetElement(1))).AsByte();
    }

    /// <summary>Per-byte population count of a 64-bit word (SWAR).</summary>
    private static ulong PopBytes(ulong x)
    {
        x -= (x >> 1) & 0x5555_5555_5555_5555UL;
        x = (x & 0x3333_3333_3333_3333UL) + ((x >> 2) & 0x3333_3333_3333_3333UL);
        return (x + (x >> 4)) & 0x0F0F_0F0F_0F0F_0F0FUL;
    }

    private static ulong RbitBytes(ulong x)
    {
        x = ((x >> 1) & 0x5555_5555_5555_5555UL) | ((x & 0x5555_5555_5555_5555UL) << 1);
        x = ((x >> 2) & 0x3333_3333_3333_3333UL) | ((x & 0x3333_3333_3333_3333UL) << 2);
        return ((x >> 4) & 0x0F0F_0F0F_0F0F_0F0FUL) | ((x & 0x0F0F_0F0F_0F0F_0F0FUL) << 4);
    }

    /// <summary>REV16/REV32/REV64: reverse the elements inside each container of 2^cont bytes.</summary>
    internal static void Rev(CpuCore cpu, int rd, int rn, int size, bool q, int contLog2)
    {
        int n = ElemCount(q, false, size);
        int flip = (1 << (contLog2 - size)) - 1;
        var a = cpu.Vr[rn];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++) Lanes.Set(ref r, i, size, Lanes.Get(ref a, i ^ flip, size));
        cpu.Vr[rd] = r;
    }


    /// <summary>SADDLP/UADDLP/SADALP/UADALP: adjacent pairs added into double-width lanes (optionally accumulated).</summary>
    internal static void AddPairsLong(CpuCore cpu, int rd, int rn, int size, bool q, bool u, bool accumulate)
    {
        int l = size;
        int n = ElemCount(q, false, l + 1);
        var a = cpu.Vr[rn];
        var c = cpu.Vr[rd];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            ulong sum = ExtElem(Lanes.Get(ref a, 2 * i, l), l, u) + ExtElem(Lanes.Get(ref a, 2 * i + 1, l), l, u);
            if (accumulate) sum += Lanes.Get(ref c, i, l + 1);
            Lanes.Set(ref r, i, l + 1, sum);
        }
        cpu.Vr[rd] = r;
    }


    /// <summary>XTN/SQXTN/UQXTN/SQXTUN: narrow each double-width element (kind 0 truncate, 1 signed->signed,
    /// 2 unsigned->unsigned, 3 signed->unsigned), C7.2.393 etc.</summary>
    internal static void ExtractNarrow(CpuCore cpu, int rd, int rn, int size, int kind, bool q = false, bool scalar = false)
    {
        int l = size;
        int n = scalar ? 1 : 8 >> l;
        var a = cpu.Vr[rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
        {
            ulong x = Lanes.Get(ref a, i, l + 1);
            ulong y = kind switch
            {
                0 => x,
                1 => SatS(Lanes.Sx(x, l + 1), l, ref sat),
                2 => SatU(x, l, ref sat),
                _ => SatU(Lanes.Sx(x, l + 1), l, ref sat),
            };
            Lanes.Set(ref r, i, l, y);
        }
        WriteNarrow(cpu, rd, q, scalar, r.AsUInt64().GetElement(0));
        SetQc(cpu, sat);
    }


    /// <summary>SHLL/SHLL2: widen (zero-extend) and shift left by the element size, C7.2.240.</summary>
    public static void SHLL(CpuCore cpu, int rd, int rn, int size, bool q)
    {
        int l = size;
        int n = 8 >> l;
        int off = q ? n : 0;
        var a = cpu.Vr[rn];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++) Lanes.Set(ref r, i, l + 1, Lanes.Get(ref a, i + off, l) << (8 << l));
        cpu.Vr[rd] = r;
    }

    // ---- Across lanes ----
    /// <summary>SADDLV/UADDLV: sum of all lanes into a double-width scalar, C7.2.218/C7.2.339.</summary>
    public static void ADDLV(CpuCore cpu, int rd, int rn, int size, bool q, bool u)
    {
        int l = size;
        int n = ElemCount(q, false, l);
        var a = cpu.Vr[rn];
        ulong sum = 0;
        for (int i = 0; i < n; i++) sum += ExtElem(Lanes.Get(ref a, i, l), l, u);
        cpu.SetD(rd, sum & Lanes.Mask(l + 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Reduce<T>(CpuCore cpu, int rd, int rn, int size, bool q) where T : ILaneOp2
    {
        int l = size;
        int n = ElemCount(q, false, l);
        var a = cpu.Vr[rn];
        bool sat = false;
        ulong acc = Lanes.Get(ref a, 0, l);
        for (int i = 1; i < n; i++) acc = T.Op(acc, Lanes.Get(ref a, i, l), l, ref sat);
        cpu.SetD(rd, acc & Lanes.Mask(l));
    }

}
