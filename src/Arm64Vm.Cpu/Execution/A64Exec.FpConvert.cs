using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Conversions between floating point and general registers (Arm ARM C4.1.96: "Conversion between floating-point
/// and fixed-point" and "... and integer"), plus FMOV (general).
/// </summary>
public static partial class A64Exec
{
    /// <summary>sf = 0 requires scale[5] = 1 (at most 32 fraction bits).</summary>
    public static bool FpFixedValid(uint raw) => (raw >> 31) != 0 || ((raw >> 15) & 1) != 0;

    private static void WriteGeneral(CpuCore cpu, int rd, bool sf, ulong value)
    {
        if (sf) cpu.SetX(rd, value);
        else cpu.SetW(rd, (uint)value);
    }

    /// <summary>FCVT{N,P,M,Z,A}{S,U} (scalar, to general), C7.2.71-C7.2.96: each row passes its rounding and signedness.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FcvtToInt(CpuCore cpu, int rn, int rd, bool sf, bool t, FpRounding rounding, bool isUnsigned)
    {
        int n = t ? 64 : 32;
        uint fpsr = 0;
        ulong r = Fp.ToFixed(FpRead(cpu, rn, n), n, 0, isUnsigned, sf ? 64 : 32, cpu.Fpcr, rounding, ref fpsr);
        cpu.Fpsr |= fpsr;
        WriteGeneral(cpu, rd, sf, r);
    }

    /// <summary>FCVTZS/FCVTZU (scalar, fixed-point), C7.2.92/C7.2.96: fbits = 64 - scale, round toward zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FcvtzFixed(CpuCore cpu, int rn, int rd, bool sf, bool t, int scale, bool isUnsigned)
    {
        int n = t ? 64 : 32;
        uint fpsr = 0;
        ulong r = Fp.ToFixed(FpRead(cpu, rn, n), n, 64 - scale, isUnsigned, sf ? 64 : 32, cpu.Fpcr, FpRounding.Zero, ref fpsr);
        cpu.Fpsr |= fpsr;
        WriteGeneral(cpu, rd, sf, r);
    }

    /// <summary>SCVTF/UCVTF (scalar, integer and fixed-point), C7.2.235/C7.2.236/C7.2.351/C7.2.352: fbits = 64 - scale, rounding per FPCR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scvtf(CpuCore cpu, int rn, int rd, bool sf, bool t, int fbits, bool isUnsigned)
    {
        int n = t ? 64 : 32;
        uint fpsr = 0, fpcr = cpu.Fpcr;
        ulong src = sf ? cpu.X(rn) : cpu.W(rn);
        ulong r = Fp.FixedToFp(src, sf ? 64 : 32, isUnsigned, fbits, n, fpcr, FpBits.RMode(fpcr), ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, n, r);
    }

    internal static void ScvtfInt(CpuCore cpu, int rn, int rd, bool sf, bool t, bool isUnsigned) => Scvtf(cpu, rn, rd, sf, t, 0, isUnsigned);

    internal static void ScvtfFixed(CpuCore cpu, int rn, int rd, bool sf, bool t, int scale, bool isUnsigned) => Scvtf(cpu, rn, rd, sf, t, 64 - scale, isUnsigned);

    /// <summary>FMOV (general) to a general register: Wd = Sn (ftype 0), Xd = Dn (1), Xd = Vn.D[1] (2) (C7.2.131).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FmovToGeneral(CpuCore cpu, int rn, int rd, int ftype)
    {
        if (ftype == 0) cpu.SetW(rd, cpu.GetS(rn));
        else if (ftype == 1) cpu.SetX(rd, cpu.GetD(rn));
        else cpu.SetX(rd, cpu.GetDHigh(rn));
    }

    /// <summary>FMOV (general) from a general register: Sd = Wn, Dd = Xn (rest zeroed), Vd.D[1] = Xn (rest kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FmovFromGeneral(CpuCore cpu, int rn, int rd, int ftype)
    {
        if (ftype == 0) cpu.SetS(rd, cpu.W(rn));
        else if (ftype == 1) cpu.SetD(rd, cpu.X(rn));
        else cpu.SetQ(rd, cpu.GetD(rd), cpu.X(rn));
    }
}
