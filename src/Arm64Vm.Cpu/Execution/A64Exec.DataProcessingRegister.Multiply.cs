using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Data-processing (3 source), Arm ARM C4.1.67: multiply-add/subtract, long and high multiplies.</summary>
public static partial class A64Exec
{
    /// <summary>MADD, 32-bit, C6.2 MADD (MUL alias when Ra = ZR).</summary>
    public static void MADD_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Ra) + cpu.W(d.Rn) * cpu.W(d.Rm));

    /// <summary>MADD, 64-bit.</summary>
    public static void MADD_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Ra) + cpu.X(d.Rn) * cpu.X(d.Rm));

    /// <summary>MSUB, 32-bit, C6.2 MSUB (MNEG alias when Ra = ZR).</summary>
    public static void MSUB_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Ra) - cpu.W(d.Rn) * cpu.W(d.Rm));

    /// <summary>MSUB, 64-bit.</summary>
    public static void MSUB_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Ra) - cpu.X(d.Rn) * cpu.X(d.Rm));

    /// <summary>SMADDL, C6.2 SMADDL (SMULL alias): Xa + SInt(Wn) * SInt(Wm).</summary>
    public static void SMADDL(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, cpu.X(d.Ra) + (ulong)((long)(int)cpu.W(d.Rn) * (int)cpu.W(d.Rm)));

    /// <summary>SMSUBL, C6.2 SMSUBL (SMNEGL alias).</summary>
    public static void SMSUBL(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, cpu.X(d.Ra) - (ulong)((long)(int)cpu.W(d.Rn) * (int)cpu.W(d.Rm)));

    /// <summary>UMADDL, C6.2 UMADDL (UMULL alias): Xa + UInt(Wn) * UInt(Wm).</summary>
    public static void UMADDL(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, cpu.X(d.Ra) + (ulong)cpu.W(d.Rn) * cpu.W(d.Rm));

    /// <summary>UMSUBL, C6.2 UMSUBL (UMNEGL alias).</summary>
    public static void UMSUBL(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, cpu.X(d.Ra) - (ulong)cpu.W(d.Rn) * cpu.W(d.Rm));

    /// <summary>SMULH, C6.2 SMULH: bits [127:64] of the signed 128-bit product.</summary>
    public static void SMULH(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, (ulong)Math.BigMul((long)cpu.X(d.Rn), (long)cpu.X(d.Rm), out _));

    /// <summary>UMULH, C6.2 UMULH: bits [127:64] of the unsigned 128-bit product.</summary>
    public static void UMULH(CpuCore cpu, ref DecodedInst d) =>
        cpu.SetX(d.Rd, Math.BigMul(cpu.X(d.Rn), cpu.X(d.Rm), out _));
}
