using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Data-processing (3 source), Arm ARM C4.1.67: multiply-add/subtract, long and high multiplies.</summary>
public static partial class A64Exec
{
    /// <summary>MADD, MSUB, C6.2 (MUL, MNEG aliases when Ra = ZR): Rd = Ra +/- Rn * Rm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulAdd(CpuCore cpu, int rd, int rn, int rm, int ra, bool sf, bool sub)
    {
        ulong p = cpu.X(rn) * cpu.X(rm), r = sub ? cpu.X(ra) - p : cpu.X(ra) + p;
        cpu.SetX(rd, sf ? r : (uint)r);
    }

    /// <summary>SMADDL, SMSUBL, UMADDL, UMSUBL, C6.2 (SMULL, SMNEGL, UMULL, UMNEGL aliases): Xa +/- Wn * Wm, widened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulAddLong(CpuCore cpu, int rd, int rn, int rm, int ra, bool signed, bool sub)
    {
        ulong p = signed ? (ulong)((long)(int)cpu.W(rn) * (int)cpu.W(rm)) : (ulong)cpu.W(rn) * cpu.W(rm);
        cpu.SetX(rd, sub ? cpu.X(ra) - p : cpu.X(ra) + p);
    }

    /// <summary>SMULH, UMULH, C6.2: bits [127:64] of the 128-bit product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MulHigh(CpuCore cpu, int rd, int rn, int rm, bool signed) =>
        cpu.SetX(rd, signed ? (ulong)Math.BigMul((long)cpu.X(rn), (long)cpu.X(rm), out _) : Math.BigMul(cpu.X(rn), cpu.X(rm), out _));
}
