using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Conditional compare and conditional select, Arm ARM C4.1.67. d.Imm holds the condition's truth table
/// (<see cref="CondTruthTable"/>); results are chosen with masks, not branches.
/// </summary>
public static partial class A64Exec
{
    /// <summary>Condition holds -> the compare's flags, otherwise the instruction's #nzcv (bits [3:0]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint CondCompareResult(ref DecodedInst d, uint nzcvIn, uint flags)
    {
        uint holds = 0u - (uint)CondBit(d.Imm, nzcvIn);
        return (flags & holds) | ((d.Raw & 0xF) << 28 & ~holds);
    }

    /// <summary>CCMN (register), C6.2 CCMN (register).</summary>
    public static void CCMN_reg(CpuCore cpu, ref DecodedInst d) => CondCompareAdd(cpu, ref d, cpu.X(d.Rm));

    /// <summary>CCMN (immediate), C6.2 CCMN (immediate): imm5 in bits [20:16].</summary>
    public static void CCMN_imm(CpuCore cpu, ref DecodedInst d) => CondCompareAdd(cpu, ref d, (d.Raw >> 16) & 31);

    /// <summary>CCMP (register), C6.2 CCMP (register).</summary>
    public static void CCMP_reg(CpuCore cpu, ref DecodedInst d) => CondCompareSub(cpu, ref d, cpu.X(d.Rm));

    /// <summary>CCMP (immediate), C6.2 CCMP (immediate).</summary>
    public static void CCMP_imm(CpuCore cpu, ref DecodedInst d) => CondCompareSub(cpu, ref d, (d.Raw >> 16) & 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CondCompareAdd(CpuCore cpu, ref DecodedInst d, ulong y)
    {
        uint flags;
        if (d.Sf) { ulong x = cpu.X(d.Rn); flags = AddFlags64(x, y, x + y); }
        else { uint x = cpu.W(d.Rn); flags = AddFlags32(x, (uint)y, x + (uint)y); }
        cpu.Nzcv = CondCompareResult(ref d, cpu.Nzcv, flags);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CondCompareSub(CpuCore cpu, ref DecodedInst d, ulong y)
    {
        uint flags;
        if (d.Sf) { ulong x = cpu.X(d.Rn); flags = SubFlags64(x, y, x - y); }
        else { uint x = cpu.W(d.Rn); flags = SubFlags32(x, (uint)y, x - (uint)y); }
        cpu.Nzcv = CondCompareResult(ref d, cpu.Nzcv, flags);
    }

    // ---- Conditional select: Rd = cond ? Rn : f(Rm) ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Select(CpuCore cpu, ref DecodedInst d, ulong ifFalse)
    {
        ulong holds = 0UL - CondBit(d.Imm, cpu.Nzcv);
        return (cpu.X(d.Rn) & holds) | (ifFalse & ~holds);
    }

    /// <summary>CSEL, 32-bit, C6.2 CSEL.</summary>
    public static void CSEL_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, (uint)Select(cpu, ref d, cpu.X(d.Rm)));

    /// <summary>CSEL, 64-bit.</summary>
    public static void CSEL_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, Select(cpu, ref d, cpu.X(d.Rm)));

    /// <summary>CSINC, 32-bit, C6.2 CSINC (CINC, CSET aliases).</summary>
    public static void CSINC_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, (uint)Select(cpu, ref d, cpu.X(d.Rm) + 1));

    /// <summary>CSINC, 64-bit.</summary>
    public static void CSINC_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, Select(cpu, ref d, cpu.X(d.Rm) + 1));

    /// <summary>CSINV, 32-bit, C6.2 CSINV (CINV, CSETM aliases).</summary>
    public static void CSINV_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, (uint)Select(cpu, ref d, ~cpu.X(d.Rm)));

    /// <summary>CSINV, 64-bit.</summary>
    public static void CSINV_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, Select(cpu, ref d, ~cpu.X(d.Rm)));

    /// <summary>CSNEG, 32-bit, C6.2 CSNEG (CNEG alias).</summary>
    public static void CSNEG_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, (uint)Select(cpu, ref d, 0 - cpu.X(d.Rm)));

    /// <summary>CSNEG, 64-bit.</summary>
    public static void CSNEG_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, Select(cpu, ref d, 0 - cpu.X(d.Rm)));
}
