using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// FEAT_SHA1 (SHA1C/SHA1P/SHA1M, SHA1H, SHA1SU0, SHA1SU1) and FEAT_SHA256 (SHA256H, SHA256H2, SHA256SU0,
/// SHA256SU1), Arm ARM C7.2.x, following the ASL: Elem[V, e, 32] is 32-bit lane e (lane 0 in bits [31:0]) and
/// ROL(Y:X, 32) rotates the concatenated working state by one lane.
/// </summary>
public static partial class A64Exec
{
    [InlineArray(4)]
    private struct Lanes32 { private uint _e; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Lanes32 ReadLanes32(CpuCore cpu, int reg)
    {
        var v = cpu.GetQ(reg).AsUInt32();
        Lanes32 r = default;
        r[0] = v.GetElement(0); r[1] = v.GetElement(1); r[2] = v.GetElement(2); r[3] = v.GetElement(3);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteLanes32(CpuCore cpu, int reg, ref Lanes32 x) =>
        cpu.SetQ(reg, x[0] | (ulong)x[1] << 32, x[2] | (ulong)x[3] << 32);

    private static uint ShaChoose(uint x, uint y, uint z) => ((y ^ z) & x) ^ z;
    private static uint ShaParity(uint x, uint y, uint z) => x ^ y ^ z;
    private static uint ShaMajority(uint x, uint y, uint z) => (x & y) | ((x | y) & z);
    private static uint ShaSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);
    private static uint ShaSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    private static bool Sha1Undefined(CpuCore cpu)
    {
        if (!cpu.Features.Sha1) { cpu.TakeUndefined(); return true; }
        return cpu.FpAccessTrapped();
    }

    private static bool Sha256Undefined(CpuCore cpu)
    {
        if (!cpu.Features.Sha256) { cpu.TakeUndefined(); return true; }
        return cpu.FpAccessTrapped();
    }

    /// <summary>The SHA-1 round function of SHA1C, SHA1P and SHA1M (each row names its own).</summary>
    internal enum Sha1Function : byte { Choose, Parity, Majority }

    /// <summary>
    /// SHA1C/SHA1P/SHA1M Qd, Sn, Vm.4S: four rounds with the choose, parity or majority function (the row passes f): t = f(X1, X2, X3); Y = Y + ROL(X0, 5) + t + W[e]; X1 = ROL(X1, 30); (Y:X) = ROL(Y:X, 32).
    /// </summary>
    internal static void Sha1Hash(CpuCore cpu, int rd, int rn, int rm, Sha1Function f)
    {
        if (Sha1Undefined(cpu)) return;
        var x = ReadLanes32(cpu, rd);
        uint y = cpu.GetS(rn);
        var w = ReadLanes32(cpu, rm);
        for (int e = 0; e < 4; e++)
        {
            uint t = f switch { Sha1Function.Choose => ShaChoose(x[1], x[2], x[3]), Sha1Function.Parity => ShaParity(x[1], x[2], x[3]), _ => ShaMajority(x[1], x[2], x[3]) };
            y = y + BitOperations.RotateLeft(x[0], 5) + t + w[e];
            x[1] = BitOperations.RotateLeft(x[1], 30);
            uint top = x[3];
            x[3] = x[2]; x[2] = x[1]; x[1] = x[0]; x[0] = y;
            y = top;
        }
        WriteLanes32(cpu, rd, ref x);
    }

    /// <summary>SHA1H Sd, Sn: ROL(Sn, 30), the rest of Vd zeroed.</summary>
    public static void Sha1H(CpuCore cpu, int rd, int rn)
    {
        if (Sha1Undefined(cpu)) return;
        cpu.SetS(rd, BitOperations.RotateLeft(cpu.GetS(rn), 30));
    }

    /// <summary>SHA1SU0 Vd.4S, Vn.4S, Vm.4S: (Vn[63:0] : Vd[127:64]) EOR Vd EOR Vm.</summary>
    public static void Sha1Su0(CpuCore cpu, int rd, int rn, int rm)
    {
        if (Sha1Undefined(cpu)) return;
        ulong d0 = cpu.GetD(rd), d1 = cpu.GetDHigh(rd);
        cpu.SetQ(rd, d1 ^ d0 ^ cpu.GetD(rm), cpu.GetD(rn) ^ d1 ^ cpu.GetDHigh(rm));
    }

    /// <summary>SHA1SU1 Vd.4S, Vn.4S: T = Vd EOR LSR(Vn, 32); W[i] = ROL(T[i], 1), W3 also EOR ROL(T0, 2).</summary>
    public static void Sha1Su1(CpuCore cpu, int rd, int rn)
    {
        if (Sha1Undefined(cpu)) return;
        var x = ReadLanes32(cpu, rd);
        var y = ReadLanes32(cpu, rn);
        Lanes32 t = default, r = default;
        t[0] = x[0] ^ y[1]; t[1] = x[1] ^ y[2]; t[2] = x[2] ^ y[3]; t[3] = x[3];
        r[0] = BitOperations.RotateLeft(t[0], 1);
        r[1] = BitOperations.RotateLeft(t[1], 1);
        r[2] = BitOperations.RotateLeft(t[2], 1);
        r[3] = BitOperations.RotateLeft(t[3], 1) ^ BitOperations.RotateLeft(t[0], 2);
        WriteLanes32(cpu, rd, ref r);
    }

    /// <summary>
    /// SHA256H Qd, Qn, Vm.4S (the row passes part1=1: X = Vd, Y = Vn, result X) and SHA256H2 Qd, Qn, Vm.4S (part1=0:
    /// X = Vn, Y = Vd, result Y): four rounds of SHA256hash().
    /// </summary>
    public static void Sha256Hash(CpuCore cpu, int rd, int rn, int rm, bool part1)
    {
        if (Sha256Undefined(cpu)) return;
        var x = ReadLanes32(cpu, part1 ? rd : rn);
        var y = ReadLanes32(cpu, part1 ? rn : rd);
        var w = ReadLanes32(cpu, rm);
        for (int e = 0; e < 4; e++)
        {
            uint chs = ShaChoose(y[0], y[1], y[2]);
            uint maj = ShaMajority(x[0], x[1], x[2]);
            uint t = y[3] + ShaSigma1(y[0]) + chs + w[e];
            x[3] = t + x[3];
            y[3] = t + ShaSigma0(x[0]) + maj;
            // (Y:X) = ROL(Y:X, 32): X = X[95:0]:Y[127:96], Y = Y[95:0]:X[127:96].
            uint xTop = x[3], yTop = y[3];
            x[3] = x[2]; x[2] = x[1]; x[1] = x[0]; x[0] = yTop;
            y[3] = y[2]; y[2] = y[1]; y[1] = y[0]; y[0] = xTop;
        }
        if (part1) WriteLanes32(cpu, rd, ref x);
        else WriteLanes32(cpu, rd, ref y);
    }

    /// <summary>SHA256SU0 Vd.4S, Vn.4S: T = Vn[31:0] : Vd[127:32]; lane e = sigma0(T[e]) + Vd[e].</summary>
    public static void Sha256Su0(CpuCore cpu, int rd, int rn)
    {
        if (Sha256Undefined(cpu)) return;
        var x = ReadLanes32(cpu, rd);
        uint n0 = cpu.GetS(rn);
        Lanes32 r = default;
        for (int e = 0; e < 4; e++)
        {
            uint elt = e < 3 ? x[e + 1] : n0;
            elt = BitOperations.RotateRight(elt, 7) ^ BitOperations.RotateRight(elt, 18) ^ (elt >> 3);
            r[e] = elt + x[e];
        }
        WriteLanes32(cpu, rd, ref r);
    }

    /// <summary>
    /// SHA256SU1 Vd.4S, Vn.4S, Vm.4S: T0 = Vm[31:0] : Vn[127:32], T1 = Vm[127:64]; lanes 0-1 = sigma1(T1[e]) + Vd[e] +
    /// T0[e], lanes 2-3 the same with T1 = the new lanes 0-1.
    /// </summary>
    public static void Sha256Su1(CpuCore cpu, int rd, int rn, int rm)
    {
        if (Sha256Undefined(cpu)) return;
        var x = ReadLanes32(cpu, rd);
        var n = ReadLanes32(cpu, rn);
        var m = ReadLanes32(cpu, rm);
        Lanes32 t0 = default, r = default;
        t0[0] = n[1]; t0[1] = n[2]; t0[2] = n[3]; t0[3] = m[0];
        for (int e = 0; e < 4; e++)
        {
            uint elt = e < 2 ? m[e + 2] : r[e - 2];
            elt = BitOperations.RotateRight(elt, 17) ^ BitOperations.RotateRight(elt, 19) ^ (elt >> 10);
            r[e] = elt + x[e] + t0[e];
        }
        WriteLanes32(cpu, rd, ref r);
    }
}
