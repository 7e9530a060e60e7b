using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// AdvSIMD three different (long, wide and narrow forms; Q selects the "2" variants that use the upper halves)
/// and AdvSIMD scalar three different (SQDMLAL/SQDMLSL/SQDMULL), Arm ARM C4.1.71.
/// Lane ops get extended (signed or unsigned) source elements and the wide accumulator element.
/// </summary>
public static partial class A64Exec
{
    /// <summary>SQDMLAL/SQDMLSL/SQDMULL size: halfword or word sources only.</summary>
    public static bool V3DiffHS(uint raw) => V3HS(raw);

    /// <summary>PMULL: 8-bit (size 00) or 64-bit (size 11) sources.</summary>
    public static bool PmullValid(uint raw) { uint s = (raw >> 22) & 3; return s == 0 || s == 3; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ExtElem(ulong raw, int log2, bool unsigned) => unsigned ? raw : (ulong)Lanes.Sx(raw, log2);

    /// <summary>Long / wide lane loop: result element i (2*esize) = T(acc[i], n, m) where n is the wide element of
    /// Vn when <paramref name="wideN"/> is set, else the extended element i of the selected half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LongLanes<T>(CpuCore cpu, ref DecodedInst d, bool wideN) where T : ILaneOp3 => LongLanes<T>(cpu, ref d, wideN, cpu.Vr[d.Rm]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LongLanes<T>(CpuCore cpu, ref DecodedInst d, bool wideN, Vector128<byte> b) where T : ILaneOp3
    {
        int l = Size(ref d);
        bool unsigned = d.Bit(29);
        bool scalar = IsScalar(ref d);
        int n = scalar ? 1 : 8 >> l;
        int off = !scalar && d.Bit(30) ? n : 0;
        var a = cpu.Vr[d.Rn];
        var c = cpu.Vr[d.Rd];
        Vector128<byte> r = default;
        bool sat = false;
        for (int i = 0; i < n; i++)
        {
            ulong x = wideN ? Lanes.Get(ref a, i, l + 1) : ExtElem(Lanes.Get(ref a, i + off, l), l, unsigned);
            ulong y = ExtElem(Lanes.Get(ref b, i + off, l), l, unsigned);
            Lanes.Set(ref r, i, l + 1, T.Op(Lanes.Get(ref c, i, l + 1), x, y, l, ref sat));
        }
        cpu.Vr[d.Rd] = r;
        SetQc(cpu, sat);
    }

    /// <summary>Writes a 64-bit narrowed result: to the lower half (upper cleared), or for the "2" forms (Q = 1)
    /// to the upper half keeping the lower half of Vd. Scalar forms write element 0 only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteNarrow(CpuCore cpu, ref DecodedInst d, ulong lo64)
    {
        if (!IsScalar(ref d) && d.Bit(30)) cpu.SetQ(d.Rd, cpu.GetD(d.Rd), lo64);
        else cpu.SetD(d.Rd, lo64);
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
    public static void PMULL(CpuCore cpu, ref DecodedInst d)
    {
        if (Size(ref d) == 0) { LongLanes<OpPmullL>(cpu, ref d, false); return; }
        if (!cpu.Features.Pmull) { cpu.TakeUndefined(); return; }
        bool q = d.Bit(30);
        ulong a = q ? cpu.GetDHigh(d.Rn) : cpu.GetD(d.Rn);
        ulong b = q ? cpu.GetDHigh(d.Rm) : cpu.GetD(d.Rm);
        ClMul64(a, b, out ulong lo, out ulong hi);
        cpu.SetQ(d.Rd, lo, hi);
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
    internal static void HighNarrow(CpuCore cpu, ref DecodedInst d, bool sub, bool round)
    {
        int l = Size(ref d);
        int n = 8 >> l;
        int esize = 8 << l;
        var a = cpu.Vr[d.Rn];
        var b = cpu.Vr[d.Rm];
        Vector128<byte> r = default;
        for (int i = 0; i < n; i++)
        {
            UInt128 x = (UInt128)Lanes.Get(ref a, i, l + 1);
            UInt128 y = Lanes.Get(ref b, i, l + 1);
            UInt128 sum = sub ? x - y : x + y;
            if (round) sum += UInt128.One << (esize - 1);
            Lanes.Set(ref r, i, l, (ulong)(sum >> esize));
        }
        WriteNarrow(cpu, ref d, r.AsUInt64().GetElement(0));
    }

}
