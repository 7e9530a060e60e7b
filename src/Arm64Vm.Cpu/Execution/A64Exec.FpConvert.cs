using Arm64Vm.Cpu.Decoding;
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

    /// <summary>FCVT{N,P,M,Z,A}{S,U} (scalar, to general), C7.2.71-C7.2.96: rmode bits [20:19], opcode [18:16].</summary>
    public static void FcvtToInt(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d);
        var rounding = d.Bit(18) ? FpRounding.TieAway : (FpRounding)d.Bits(20, 19);
        uint fpsr = 0;
        ulong r = Fp.ToFixed(FpRead(cpu, d.Rn, n), n, 0, d.Bit(16), d.Sf ? 64 : 32, cpu.Fpcr, rounding, ref fpsr);
        cpu.Fpsr |= fpsr;
        WriteGeneral(cpu, d.Rd, d.Sf, r);
    }

    /// <summary>FCVTZS/FCVTZU (scalar, fixed-point), C7.2.92/C7.2.96: fbits = 64 - scale, round toward zero.</summary>
    public static void FcvtzFixed(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d);
        int fbits = 64 - (int)d.Bits(15, 10);
        uint fpsr = 0;
        ulong r = Fp.ToFixed(FpRead(cpu, d.Rn, n), n, fbits, d.Bit(16), d.Sf ? 64 : 32, cpu.Fpcr, FpRounding.Zero, ref fpsr);
        cpu.Fpsr |= fpsr;
        WriteGeneral(cpu, d.Rd, d.Sf, r);
    }

    /// <summary>SCVTF/UCVTF (scalar, integer), C7.2.236/C7.2.352: rounding per FPCR.</summary>
    public static void ScvtfInt(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d);
        uint fpsr = 0, fpcr = cpu.Fpcr;
        ulong src = d.Sf ? cpu.X(d.Rn) : cpu.W(d.Rn);
        ulong r = Fp.FixedToFp(src, d.Sf ? 64 : 32, d.Bit(16), 0, n, fpcr, FpBits.RMode(fpcr), ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }

    /// <summary>SCVTF/UCVTF (scalar, fixed-point), C7.2.235/C7.2.351: fbits = 64 - scale.</summary>
    public static void ScvtfFixed(CpuCore cpu, ref DecodedInst d)
    {
        int n = FpSize(ref d);
        int fbits = 64 - (int)d.Bits(15, 10);
        uint fpsr = 0, fpcr = cpu.Fpcr;
        ulong src = d.Sf ? cpu.X(d.Rn) : cpu.W(d.Rn);
        ulong r = Fp.FixedToFp(src, d.Sf ? 64 : 32, d.Bit(16), fbits, n, fpcr, FpBits.RMode(fpcr), ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, d.Rd, n, r);
    }

    /// <summary>FMOV (general) to a general register: Wd = Sn, Xd = Dn, Xd = Vn.D[1] (C7.2.131).</summary>
    public static void FmovToGeneral(CpuCore cpu, ref DecodedInst d)
    {
        uint ftype = d.Bits(23, 22);
        if (ftype == 0) cpu.SetW(d.Rd, cpu.GetS(d.Rn));
        else if (ftype == 1) cpu.SetX(d.Rd, cpu.GetD(d.Rn));
        else cpu.SetX(d.Rd, cpu.GetDHigh(d.Rn));
    }

    /// <summary>FMOV (general) from a general register: Sd = Wn, Dd = Xn (rest zeroed), Vd.D[1] = Xn (rest kept).</summary>
    public static void FmovFromGeneral(CpuCore cpu, ref DecodedInst d)
    {
        uint ftype = d.Bits(23, 22);
        if (ftype == 0) cpu.SetS(d.Rd, cpu.W(d.Rn));
        else if (ftype == 1) cpu.SetD(d.Rd, cpu.X(d.Rn));
        else cpu.SetQ(d.Rd, cpu.GetD(d.Rd), cpu.X(d.Rn));
    }
}
