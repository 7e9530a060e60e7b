using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

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
}

/// <summary>A lane operation on one element.</summary>
internal interface ILaneOp1
{
    static abstract ulong Op(ulong a, int log2, ref bool sat);
}

/// <summary>
/// Shared pieces of the AdvSIMD integer instructions: element counts, saturation (SignedSatQ/UnsignedSatQ with
/// FPSR.QC), shifts with rounding, and the generic lane loops that the per-instruction handlers instantiate.
/// Bit 28 of every AdvSIMD encoding selects scalar (1) or vector (0) forms.
/// </summary>
public static partial class A64Exec
{
    public const uint FpsrQc = 1u << 27;

    // ---- Decode-time size checks ----
    /// <summary>size = 11 with Q = 0 is reserved (would be a single 64-bit lane in a 64-bit vector).</summary>
    public static bool V3NotD1(uint raw) => ((raw >> 22) & 3) != 3 || ((raw >> 30) & 1) != 0;
    /// <summary>size = 11 is reserved.</summary>
    public static bool V3No64(uint raw) => ((raw >> 22) & 3) != 3;
    /// <summary>Only halfword and word elements (size = 01 or 10).</summary>
    public static bool V3HS(uint raw) { uint s = (raw >> 22) & 3; return s == 1 || s == 2; }
    /// <summary>Across-lanes: size = 10 needs Q = 1; size = 11 reserved.</summary>
    public static bool VAcross(uint raw) { uint s = (raw >> 22) & 3; return s < 2 || (s == 2 && ((raw >> 30) & 1) != 0); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Size(ref DecodedInst d) => (int)((d.Raw >> 22) & 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsScalar(ref DecodedInst d) => (d.Raw & (1u << 28)) != 0;

    /// <summary>Elements in the operation: 1 for scalar forms, else datasize (64 or 128 by Q) / esize.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ElemCount(ref DecodedInst d, int log2) =>
        (d.Raw & (1u << 28)) != 0 ? 1 : ((d.Raw & (1u << 30)) != 0 ? 16 : 8) >> log2;

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

    // ---- Generic lane loops ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes2<T>(CpuCore cpu, ref DecodedInst d, int size) where T : ILaneOp2 => Lanes2<T>(cpu, ref d, size, cpu.Vr[d.Rm]);

    /// <summary>Lane loop with an explicit second operand (a broadcast element for the by-element forms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes2<T>(CpuCore cpu, ref DecodedInst d, int size, Vector128<byte> b) where T : ILaneOp2
    {
        int n = ElemCount(ref d, size);
        var a = cpu.Vr[d.Rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++) Lanes.Set(ref r, i, size, T.Op(Lanes.Get(ref a, i, size), Lanes.Get(ref b, i, size), size, ref sat));
        cpu.Vr[d.Rd] = r;
        SetQc(cpu, sat);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes3<T>(CpuCore cpu, ref DecodedInst d, int size) where T : ILaneOp3 => Lanes3<T>(cpu, ref d, size, cpu.Vr[d.Rm]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes3<T>(CpuCore cpu, ref DecodedInst d, int size, Vector128<byte> b) where T : ILaneOp3
    {
        int n = ElemCount(ref d, size);
        var a = cpu.Vr[d.Rn];
        var c = cpu.Vr[d.Rd];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
            Lanes.Set(ref r, i, size, T.Op(Lanes.Get(ref c, i, size), Lanes.Get(ref a, i, size), Lanes.Get(ref b, i, size), size, ref sat));
        cpu.Vr[d.Rd] = r;
        SetQc(cpu, sat);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Lanes1<T>(CpuCore cpu, ref DecodedInst d, int size) where T : ILaneOp1
    {
        int n = ElemCount(ref d, size);
        var a = cpu.Vr[d.Rn];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++) Lanes.Set(ref r, i, size, T.Op(Lanes.Get(ref a, i, size), size, ref sat));
        cpu.Vr[d.Rd] = r;
        SetQc(cpu, sat);
    }

    /// <summary>Pairwise: the concatenation Vm:Vn is reduced by adjacent pairs (ADDP, SMAXP...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Pairwise<T>(CpuCore cpu, ref DecodedInst d, int size) where T : ILaneOp2
    {
        int n = ElemCount(ref d, size);
        var a = cpu.Vr[d.Rn];
        var b = cpu.Vr[d.Rm];
        Vector128<byte> r = default;
        bool sat = false;
        int half = n >> 1;
        for (int i = 0; i < half; i++)
        {
            Lanes.Set(ref r, i, size, T.Op(Lanes.Get(ref a, 2 * i, size), Lanes.Get(ref a, 2 * i + 1, size), size, ref sat));
            Lanes.Set(ref r, half + i, size, T.Op(Lanes.Get(ref b, 2 * i, size), Lanes.Get(ref b, 2 * i + 1, size), size, ref sat));
        }
        cpu.Vr[d.Rd] = r;
    }

    /// <summary>Writes a full-width Vector128 result, clearing the upper half for 64-bit vectors (Q = 0) and
    /// everything but element 0 for scalar forms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteVec(CpuCore cpu, ref DecodedInst d, Vector128<byte> r, int log2)
    {
        if ((d.Raw & (1u << 28)) != 0)
            r = Vector128.CreateScalar(Lanes.Get(ref r, 0, log2)).AsByte();
        else if ((d.Raw & (1u << 30)) == 0)
            r = Vector128.CreateScalar(r.AsUInt64().GetElement(0)).AsByte();
        cpu.Vr[d.Rd] = r;
    }
}
