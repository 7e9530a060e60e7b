using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>A lane operation on two elements (zero-extended raw bits of 2^log2 bytes); sets sat on saturation.</summary>
internal interface ILaneOp2
{
    static abstract ulong Op(ulong a, ulong b, int log2, ref bool sat);
}

/// <summary>A lane operation that also reads the destination element (accumulate, bit select).</summary>
internal interface ILaneOp3
{
    static abstract ulong Op(ulong d, ulong a, ulong b, int log2, ref bool sat);

    /// <summary>Whether <see cref="Op"/> reads the destination element (not for the adapted ILaneOp2/ILaneOp1).</summary>
    static virtual bool ReadsDest => true;
}

/// <summary>A lane operation on one element.</summary>
internal interface ILaneOp1
{
    static abstract ulong Op(ulong a, int log2, ref bool sat);
}

/// <summary>An <see cref="ILaneOp2"/> run by the one lane loop: the destination element is not read.</summary>
internal struct LaneOp2<T> : ILaneOp3 where T : ILaneOp2
{
    public static bool ReadsDest => false;
    public static ulong Op(ulong d, ulong a, ulong b, int log2, ref bool sat) => T.Op(a, b, log2, ref sat);
}

/// <summary>An <see cref="ILaneOp1"/> run by the one lane loop: only the Vn element is read.</summary>
internal struct LaneOp1<T> : ILaneOp3 where T : ILaneOp1
{
    public static bool ReadsDest => false;
    public static ulong Op(ulong d, ulong a, ulong b, int log2, ref bool sat) => T.Op(a, log2, ref sat);
}

/// <summary>
/// Shared pieces of the AdvSIMD integer instructions: element counts, saturation (SignedSatQ/UnsignedSatQ with
/// FPSR.QC), shifts with rounding, and the generic lane loops that the per-instruction handlers instantiate.
/// The handlers take the fields by name (rd, rn, rm, size, q, u); a scalar row (bit 28 = 1) passes scalar=true.
/// </summary>
public static partial class A64Exec
{
    public const uint FpsrQc = 1u << 27;

    // ---- Decode-time size checks ----
    /// <summary>size = 11 with Q = 0 is reserved (would be a single 64-bit lane in a 64-bit vector).</summary>
    public static bool V3NotD1(uint size, bool q) => size != 3 || q;
    /// <summary>size = 11 is reserved.</summary>
    public static bool V3No64(uint size) => size != 3;
    /// <summary>Only halfword and word elements (size = 01 or 10).</summary>
    public static bool V3HS(uint size) => size == 1 || size == 2;
    /// <summary>Across-lanes: size = 10 needs Q = 1; size = 11 reserved.</summary>
    public static bool VAcross(uint size, bool q) => size < 2 || (size == 2 && q);

    /// <summary>
    /// Elements in the operation: 1 for the scalar forms (the row passes <c>scalar</c>), else datasize (64 or 128 by
    /// the Q field) / esize.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ElemCount(bool q, bool scalar, int log2) => scalar ? 1 : (q ? 16 : 8) >> log2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SetQc(CpuCore cpu, bool sat)
    {
        if (sat) cpu.Fpsr |= FpsrQc;
    }

    // ---- Saturation (Arm ARM J1 SignedSatQ / UnsignedSatQ) ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SatS(Int128 v, int log2, ref bool sat)
    {
        long max = long.MaxValue >> (64 - (8 << log2));
        if (v > max) { sat = true; return (ulong)max & Lanes.Mask(log2); }
        if (v < -max - 1) { sat = true; return (ulong)(-max - 1) & Lanes.Mask(log2); }
        return (ulong)(long)v & Lanes.Mask(log2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SatU(Int128 v, int log2, ref bool sat)
    {
        ulong max = Lanes.Mask(log2);
        if (v < 0) { sat = true; return 0; }
        if (v > max) { sat = true; return max; }
        return (ulong)v;
    }

    /// <summary>Signed or unsigned saturation chosen by <paramref name="unsigned"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Sat(Int128 v, int log2, bool unsigned, ref bool sat) => unsigned ? SatU(v, log2, ref sat) : SatS(v, log2, ref sat);

    /// <summary>Element value as a signed or unsigned integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Int128 Ext(ulong x, int log2, bool unsigned) => unsigned ? (Int128)x : (Int128)Lanes.Sx(x, log2);

    /// <summary>
    /// x &lt;&lt; shift for shift &gt;= 0, else x &gt;&gt; -shift (arithmetic), adding 2^(-shift-1) first when rounding
    /// (the SSHL/SRSHL/SQRSHL family, C7.2.x). |x| &lt; 2^64; shifts are clamped where the result no longer changes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Int128 ShiftRound(Int128 x, int shift, bool round)
    {
        if (shift >= 0)
        {
            if (shift < 64) return x << shift;
            // Any non-zero value saturates and its low 64 bits are zero: +-2^126 has both properties.
            return x == 0 ? Int128.Zero : (x > 0 ? Int128.One << 126 : -(Int128.One << 126));
        }
        int n = -shift;
        if (n > 65) return round ? Int128.Zero : (x < 0 ? Int128.NegativeOne : Int128.Zero);
        if (round) x += Int128.One << (n - 1);
        return x >> n;
    }

    // ---- Generic lane loops: the row binds rd, rn, rm, size and q by name; scalar rows pass scalar=true ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes2<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool q = false, bool scalar = false) where T : ILaneOp2 =>
        LaneLoop<LaneOp2<T>>(cpu, rd, rn, cpu.Vr[rm], size, ElemCount(q, scalar, size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes3<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool q = false, bool scalar = false) where T : ILaneOp3 =>
        LaneLoop<T>(cpu, rd, rn, cpu.Vr[rm], size, ElemCount(q, scalar, size));

    /// <summary>One-operand lane loop that accumulates into the destination (SUQADD, USQADD): T gets Vd and Vn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UnaryAcc<T>(CpuCore cpu, int rd, int rn, int size, bool q = false, bool scalar = false) where T : ILaneOp3 =>
        LaneLoop<T>(cpu, rd, rn, Vector128<byte>.Zero, size, ElemCount(q, scalar, size));

    /// <summary>One-operand lane loop (two-register misc: CLS, CLZ, SQABS, CMGT #0, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Unary<T>(CpuCore cpu, int rd, int rn, int size, bool q = false, bool scalar = false) where T : ILaneOp1 =>
        LaneLoop<LaneOp1<T>>(cpu, rd, rn, Vector128<byte>.Zero, size, ElemCount(q, scalar, size));

    /// <summary>
    /// The lane loop: element i of Vd = T(Vd[i], Vn[i], b[i]) for n elements of 2^size bytes, the rest zeroed;
    /// b is Vm, or a broadcast element for the by-element forms. FPSR.QC is set when T saturated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LaneLoop<T>(CpuCore cpu, int rd, int rn, Vector128<byte> b, int size, int n) where T : ILaneOp3
    {
        var a = cpu.Vr[rn];
        var c = T.ReadsDest ? cpu.Vr[rd] : default;
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
        {
            ulong dv = T.ReadsDest ? Lanes.Get(ref c, i, size) : 0;
            Lanes.Set(ref r, i, size, T.Op(dv, Lanes.Get(ref a, i, size), Lanes.Get(ref b, i, size), size, ref sat));
        }
        cpu.Vr[rd] = r;
        SetQc(cpu, sat);
    }

    /// <summary>Pairwise: the concatenation Vm:Vn is reduced by adjacent pairs (ADDP, SMAXP...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Pairwise<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool q) where T : ILaneOp2
    {
        int half = ElemCount(q, false, size) >> 1;
        var a = cpu.Vr[rn];
        var b = cpu.Vr[rm];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < half; i++)
        {
            Lanes.Set(ref r, i, size, T.Op(Lanes.Get(ref a, 2 * i, size), Lanes.Get(ref a, 2 * i + 1, size), size, ref sat));
            Lanes.Set(ref r, half + i, size, T.Op(Lanes.Get(ref b, 2 * i, size), Lanes.Get(ref b, 2 * i + 1, size), size, ref sat));
        }
        cpu.Vr[rd] = r;
    }

    /// <summary>Writes a full-width Vector128 result, clearing the upper half for 64-bit vectors (Q = 0) and
    /// everything but element 0 for scalar forms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteVec(CpuCore cpu, int rd, Vector128<byte> r, int log2, bool q, bool scalar = false)
    {
        if (scalar)
            r = Vector128.CreateScalar(Lanes.Get(ref r, 0, log2)).AsByte();
        else if (!q)
            r = Vector128.CreateScalar(r.AsUInt64().GetElement(0)).AsByte();
        cpu.Vr[rd] = r;
    }
}
