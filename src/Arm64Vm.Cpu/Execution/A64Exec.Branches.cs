using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Branches (Arm ARM C4.1.65: conditional, unconditional immediate and register, compare/test and branch).</summary>
public static partial class A64Exec
{
    public static ulong BranchOffset26(uint raw) => (ulong)(SignExtend(raw & 0x3FF_FFFF, 26) << 2);
    public static ulong BranchOffset19(uint raw) => (ulong)(SignExtend((raw >> 5) & 0x7_FFFF, 19) << 2);
    public static ulong BranchOffset14(uint raw) => (ulong)(SignExtend((raw >> 5) & 0x3FFF, 14) << 2);

    /// <summary>B and BL (C6.2.26, C6.2.34): PC-relative, +/-128 MiB (offset predecoded); BL sets X30 = PC + 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Branch(CpuCore cpu, ref DecodedInst d, bool link)
    {
        if (link) cpu.Xr[30] = cpu.Pc + 4;
        cpu.NextPc = cpu.Pc + d.Imm;
    }

    /// <summary>
    /// B.cond (C6.2.27): the offset predecoded, the condition through the truth table. B.EQ and B.NE (cond 0 and 1,
    /// decode-time variants) test Z alone, which needs no computation of the other flags (CPU-FLAGS-1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BranchCond(CpuCore cpu, ref DecodedInst d, uint cond, bool condIs0, bool condIs1)
    {
        bool holds = condIs0 ? cpu.ZeroFlag : condIs1 ? !cpu.ZeroFlag : ConditionHolds(cpu.Nzcv, cond);
        if (holds) cpu.NextPc = cpu.Pc + d.Imm;
    }

    /// <summary>CBZ, CBNZ (C6.2.57, C6.2.56): Rt (W or X, ZR-capable) compared with zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CompareBranch(CpuCore cpu, ref DecodedInst d, int rt, bool sf, bool nonZero)
    {
        ulong v = sf ? cpu.X(rt) : cpu.W(rt);
        if ((v != 0) == nonZero) cpu.NextPc = cpu.Pc + d.Imm;
    }

    /// <summary>TBZ, TBNZ (C6.2.376, C6.2.375): bit b5:b40 of Rt tested.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TestBranch(CpuCore cpu, ref DecodedInst d, int rt, int b5, int b40, bool nonZero)
    {
        if ((((cpu.X(rt) >> (b5 << 5 | b40)) & 1) != 0) == nonZero) cpu.NextPc = cpu.Pc + d.Imm;
    }

    /// <summary>BR (C6.2.37).</summary>
    public static void BR(CpuCore cpu, ref DecodedInst d) => cpu.NextPc = cpu.X(d.Rn);

    /// <summary>BLR: the target is read before X30 is written, so BLR X30 works (C6.2.35).</summary>
    public static void BLR(CpuCore cpu, ref DecodedInst d)
    {
        ulong target = cpu.X(d.Rn);
        cpu.SetX(30, cpu.Pc + 4);
        cpu.NextPc = target;
    }

    /// <summary>RET (C6.2.254).</summary>
    public static void RET(CpuCore cpu, ref DecodedInst d) => cpu.NextPc = cpu.X(d.Rn);

    /// <summary>ERET (C6.2.98): UNDEFINED at EL0.</summary>
    public static void ERET(CpuCore cpu, ref DecodedInst d)
    {
        if (cpu.El == 0) { cpu.TakeUndefined(); return; }
        cpu.ExceptionReturn();
    }

    /// <summary>DRPS: UNDEFINED outside Debug state (C6.2.91); this PE never enters Debug state.</summary>
    public static void DRPS(CpuCore cpu, ref DecodedInst d) => cpu.TakeUndefined();
}
