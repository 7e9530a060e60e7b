using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Cpu.FloatingPoint;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Scalar floating point (Arm ARM C4.1.96: data-processing 1/2/3 source, compare, conditional compare/select,
/// immediate). Operand width comes from ftype bit 22 (single/double). Semantics live in <see cref="Fp"/>.
/// </summary>
public static partial class A64Exec
{
    /// <summary>Reads the low N bits of V[reg] (H/S/D view).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong FpRead(CpuCore cpu, int reg, int n) => n == 64 ? cpu.GetD(reg) : n == 32 ? cpu.GetS(reg) : cpu.GetH(reg);

    /// <summary>Writes the low N bits of V[reg] and zeroes the rest of the register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpWrite(CpuCore cpu, int reg, int n, ulong value)
    {
        if (n == 64) cpu.SetD(reg, value);
        else if (n == 32) cpu.SetS(reg, (uint)value);
        else cpu.SetH(reg, (ushort)value);
    }

    /// <summary>FMOV (register), C7.2.130: bit copy, no exceptions.</summary>
    public static void FmovReg(CpuCore cpu, int rn, int rd, bool t)
    {
        int n = t ? 64 : 32;
        FpWrite(cpu, rd, n, FpRead(cpu, rn, n));
    }

    /// <summary>FABS (scalar), C7.2.54: clears the sign bit, NaNs included, no exceptions.</summary>
    public static void FabsScalar(CpuCore cpu, int rn, int rd, bool t)
    {
        int n = t ? 64 : 32;
        FpWrite(cpu, rd, n, Fp.Abs(FpRead(cpu, rn, n), n));
    }

    /// <summary>FNEG (scalar), C7.2.140: flips the sign bit, NaNs included, no exceptions.</summary>
    public static void FnegScalar(CpuCore cpu, int rn, int rd, bool t)
    {
        int n = t ? 64 : 32;
        FpWrite(cpu, rd, n, Fp.Neg(FpRead(cpu, rn, n), n));
    }

    /// <summary>FSQRT (scalar), C7.2.177.</summary>
    public static void FsqrtScalar(CpuCore cpu, int rn, int rd, bool t)
    {
        int n = t ? 64 : 32;
        uint fpsr = 0;
        ulong r = Fp.Sqrt(FpRead(cpu, rn, n), n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, n, r);
    }

    /// <summary>FCVT (scalar, between half/single/double), C7.2.69: FPConvert with the FPCR rounding mode; each row passes its sizes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FcvtPrecision(CpuCore cpu, int rn, int rd, int from, int to)
    {
        uint fpsr = 0, fpcr = cpu.Fpcr;
        ulong r = Fp.Convert(FpRead(cpu, rn, from), from, to, fpcr, FpBits.RMode(fpcr), ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, to, r);
    }

    /// <summary>FRINTN/P/M/Z/A/X/I (scalar), C7.2.155-C7.2.161: FPRoundInt; each row passes its selector (opcode bits [17:15]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FrintScalar(CpuCore cpu, int rn, int rd, bool t, uint rmode)
    {
        int n = t ? 64 : 32;
        uint fpsr = 0, fpcr = cpu.Fpcr;
        FrintMode(rmode, fpcr, out var rounding, out bool exact);
        ulong r = Fp.RoundInt(FpRead(cpu, rn, n), n, fpcr, rounding, exact, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, n, r);
    }

    /// <summary>The rounding of FRINT* from its 3-bit selector: N P M Z A - X I (X and I use FPCR, X is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FrintMode(uint rm, uint fpcr, out FpRounding rounding, out bool exact)
    {
        exact = rm == 6;
        rounding = rm switch
        {
            0 => FpRounding.TieEven,
            1 => FpRounding.PosInf,
            2 => FpRounding.NegInf,
            3 => FpRounding.Zero,
            4 => FpRounding.TieAway,
            _ => FpBits.RMode(fpcr),
        };
    }

    /// <summary>FCMP / FCMPE (with register or #0.0), C7.2.66/C7.2.67: NZCV from FPCompare; the rows pass zero and signalling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fcmp(CpuCore cpu, int rn, int rm, bool t, bool zero, bool signalling)
    {
        int n = t ? 64 : 32;
        ulong op2 = zero ? 0 : FpRead(cpu, rm, n);
        uint fpsr = 0;
        uint flags = Fp.Compare(FpRead(cpu, rn, n), op2, signalling, n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        cpu.Nzcv = flags << 28;
    }

    /// <summary>FCCMP / FCCMPE, C7.2.60/C7.2.61.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fccmp(CpuCore cpu, int rn, int rm, bool t, uint cond, uint nzcv, bool signalling)
    {
        int n = t ? 64 : 32;
        if (ConditionHolds(cpu.Nzcv, cond))
        {
            uint fpsr = 0;
            uint flags = Fp.Compare(FpRead(cpu, rn, n), FpRead(cpu, rm, n), signalling, n, cpu.Fpcr, ref fpsr);
            cpu.Fpsr |= fpsr;
            cpu.Nzcv = flags << 28;
        }
        else cpu.Nzcv = nzcv << 28;
    }

    /// <summary>FCSEL, C7.2.68.</summary>
    public static void Fcsel(CpuCore cpu, int rn, int rm, int rd, bool t, uint cond)
    {
        int n = t ? 64 : 32;
        FpWrite(cpu, rd, n, FpRead(cpu, ConditionHolds(cpu.Nzcv, cond) ? rn : rm, n));
    }

    /// <summary>VFPExpandImm() (Arm ARM J1) for N = 16, 32 or 64.</summary>
    public static ulong VfpExpandImm(uint imm8, int n)
    {
        int e = n == 64 ? 11 : n == 32 ? 8 : 5, f = n - e - 1;
        ulong sign = (imm8 >> 7) & 1, b6 = (imm8 >> 6) & 1;
        ulong exp = ((b6 ^ 1) << (e - 1)) | ((b6 != 0 ? (1UL << (e - 3)) - 1 : 0) << 2) | ((imm8 >> 4) & 3);
        ulong frac = (ulong)(imm8 & 15) << (f - 4);
        return (sign << (n - 1)) | (exp << f) | frac;
    }

    /// <summary>FMOV (scalar, immediate), C7.2.132.</summary>
    public static void FmovImm(CpuCore cpu, int rd, bool t, uint imm8)
    {
        int n = t ? 64 : 32;
        FpWrite(cpu, rd, n, VfpExpandImm(imm8, n));
    }

    /// <summary>FMUL/FDIV/FADD/FSUB/FMAX/FMIN/FMAXNM/FMINNM/FNMUL (scalar), C7.2: each row passes its opcode (bits [15:12]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpDp2(CpuCore cpu, int rn, int rm, int rd, bool t, int op)
    {
        int n = t ? 64 : 32;
        ulong a = FpRead(cpu, rn, n), b = FpRead(cpu, rm, n);
        uint fpsr = 0, fpcr = cpu.Fpcr;
        ulong r = op switch
        {
            0 => Fp.Mul(a, b, n, fpcr, ref fpsr),
            1 => Fp.Div(a, b, n, fpcr, ref fpsr),
            2 => Fp.Add(a, b, n, fpcr, ref fpsr),
            3 => Fp.Sub(a, b, n, fpcr, ref fpsr),
            4 => Fp.MaxMin(a, b, true, n, fpcr, ref fpsr),
            5 => Fp.MaxMin(a, b, false, n, fpcr, ref fpsr),
            6 => Fp.MaxMinNum(a, b, true, n, fpcr, ref fpsr),
            7 => Fp.MaxMinNum(a, b, false, n, fpcr, ref fpsr),
            _ => Fp.Neg(Fp.Mul(a, b, n, fpcr, ref fpsr), n),
        };
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, n, r);
    }

    /// <summary>
    /// FMADD/FMSUB/FNMADD/FNMSUB, C7.2.100/C7.2.121/C7.2.142/C7.2.143: FPMulAdd(a', n', m) where a' = -a when o1,
    /// n' = -n when o0 != o1 (negation before NaN processing, so NaN signs flip).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FpDp3(CpuCore cpu, int rn, int rm, int ra, int rd, bool t, bool o1, bool o0)
    {
        int n = t ? 64 : 32;
        ulong a = FpRead(cpu, ra, n), x = FpRead(cpu, rn, n), y = FpRead(cpu, rm, n);
        if (o1) a = Fp.Neg(a, n);
        if (o0 != o1) x = Fp.Neg(x, n);
        uint fpsr = 0;
        ulong r = Fp.MulAdd(a, x, y, n, cpu.Fpcr, ref fpsr);
        cpu.Fpsr |= fpsr;
        FpWrite(cpu, rd, n, r);
    }
}
