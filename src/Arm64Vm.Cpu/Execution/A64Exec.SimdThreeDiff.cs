using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD three different (long, wide and narrow forms; Q selects the "2" variants that use the upper halves)
/// and AdvSIMD scalar three different (SQDMLAL/SQDMLSL/SQDMULL), Arm ARM C4.1.71.
/// Lane ops get extended (signed or unsigned) source elements and the wide accumulator element.
/// </summary>
public static partial class A64Exec
{
    /// <summary>SQDMLAL/SQDMLSL/SQDMULL size: halfword or word sources only.</summary>
    public static bool V3DiffHS(uint size) => V3HS(size);

    /// <summary>PMULL: 8-bit (size 00) or 64-bit (size 11) sources.</summary>
    public static bool PmullValid(uint size) => size == 0 || size == 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ExtElem(ulong raw, int log2, bool unsigned) => unsigned ? raw : (ulong)Lanes.Sx(raw, log2);

    /// <summary>Long / wide lane loop: result element i (2*esize) = T(acc[i], n, m) where n is the wide element of
    /// Vn when <paramref name="wideN"/> is set, else the extended element i of the selected half.</summary>
    /// <remarks>The rows bind rd, rn, rm, size, q and u (signed when the row fixes U = 0); scalar rows pass scalar=true.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LongLanes<T>(CpuCore cpu, int rd, int rn, int rm, int size, bool wideN, bool q = false, bool u = false, bool scalar = false) where T : ILaneOp3 =>
        LongLoop<T>(cpu, rd, rn, cpu.Vr[rm], size, wideN, q, u, scalar);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LongLoop<T>(CpuCore cpu, int rd, int rn, Vector128<byte> b, int size, bool wideN, bool q, bool u, bool scalar) where T : ILaneOp3
    {
        int l = size;
        bool unsigned = u;
        int n = scalar ? 1 : 8 >> l;
        int off = !scalar && q ? n : 0;
        var a = cpu.Vr[rn];
        var c = cpu.Vr[rd];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
        {
            ulong x = wideN ? Lanes.Get(ref a, i, l + 1) : ExtElem(Lanes.Get(ref a, i + off, l), l, unsigned);
            ulong y = ExtElem(Lanes.Get(ref b, i + off, l), l, unsigned);
            Lanes.Set(ref r, i, l + 1, T.Op(Lanes.Get(ref c, i, l + 1), x, y, l, ref sat));
        }
        cpu.Vr[rd] = r;
        SetQc(cpu, sat);
    }

    /// <summary>Writes a 64-bit narrowed result: to the lower half (upper cleared), or for the "2" forms (Q = 1)
    /// to the upper half keeping the lower half of Vd. Scalar forms write element 0 only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteNarrow(CpuCore cpu, int rd, bool q, bool scalar, ulong lo64)
    {
        if (!scalar && q) cpu.SetQ(rd, cpu.GetD(rd), lo64);
        else cpu.SetD(rd, lo64);
    }

    internal struct OpAddL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => a + b; }
    internal struct OpSubL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => a - b; }
    internal struct OpAbdL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) { long x = (long)a - (long)b; return (ulong)(x < 0 ? -x : x); } }
    internal struct OpAbaL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => c + OpAbdL.Op(c, a, b, l, ref s); }
    internal struct OpMlaL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => c + a * b; }
    internal struct OpMlsL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => c - a * b; }
    internal struct OpMulL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => a * b; }
    internal struct OpSqdmull : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => SatS((Int128)(long)a * (long)b * 2, l + 1, ref s); }
    internal struct OpSqdmlal : ILaneOp3
    {
        public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s)
        {
            ulong p = SatS((Int128)(long)a * (long)b * 2, l + 1, ref s);
            return SatS((Int128)Lanes.Sx(c, l + 1) + Lanes.Sx(p, l + 1), l + 1, ref s);
        }
    }
    internal struct OpSqdmlsl : ILaneOp3
    {
        public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s)
        {
            ulong p = SatS((Int128)(long)a * (long)b * 2, l + 1, ref s);
            return SatS((Int128)Lanes.Sx(c, l + 1) - Lanes.Sx(p, l + 1), l + 1, ref s);
        }
    }
    internal struct OpPmullL : ILaneOp3 { public static ulong Op(ulong c, ulong a, ulong b, int l, ref bool s) => PolyMul(a & 0xFF, b & 0xFF, 8); }


    /// <summary>PMULL/PMULL2, C7.2.215: 8x8 -> 16-bit lanes, or 64x64 -> 128 when FEAT_PMULL is implemented.</summary>
    public static void PMULL(CpuCore cpu, int rd, int rn, int rm, int size, bool q)
    {
        if (size == 0) { LongLanes<OpPmullL>(cpu, rd, rn, rm, 0, false, q); return; }
        if (!cpu.Features.Pmull) { cpu.TakeUndefined(); return; }
        ulong a = q ? cpu.GetDHigh(rn) : cpu.GetD(rn);
        ulong b = q ? cpu.GetDHigh(rm) : cpu.GetD(rm);
        ClMul64(a, b, out ulong lo, out ulong hi);
        cpu.SetQ(rd, lo, hi);
    }

    /// <summary>64 x 64 -> 128-bit carry-less multiply.</summary>
    internal static void ClMul64(ulong a, ulong b, out ulong lo, out ulong hi)
    {
        if (System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported)
        {
            var r = System.Runtime.Intrinsics.X86.Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(a), Vector128.CreateScalar(b), 0);
            lo = r.GetElement(0);
            hi = r.GetElement(1);
            return;
        }
        lo = 0; hi = 0;
        for (int i = 0; i < 64; i++)
        {
            if (((b >> i) & 1) == 0) continue;
            lo ^= a << i;
            if (i != 0) hi ^= a >> (64 - i);
        }
    }

    /// <summary>ADDHN/SUBHN/RADDHN/RSUBHN: high half of the wide sum or difference, optionally rounded.</summary>
    internal static void HighNarrow(CpuCore cpu, int rd, int rn, int rm, int size, bool q, bool sub, bool round)
    {
        int l = size;
        int n = 8 >> l;
        int esize = 8 << l;
        var a = cpu.Vr[rn];
        var b = cpu.Vr[rm];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            UInt128 x = (UInt128)Lanes.Get(ref a, i, l + 1);
            UInt128 y = Lanes.Get(ref b, i, l + 1);
            UInt128 sum = sub ? x - y : x + y;
            if (round) sum += UInt128.One << (esize - 1);
            Lanes.Set(ref r, i, l, (ulong)(sum >> esize));
        }
        WriteNarrow(cpu, rd, q, false, r.AsUInt64().GetElement(0));
    }

}
