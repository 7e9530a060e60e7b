using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Branches (Arm ARM C4.1.65: conditional, unconditional immediate and register, compare/test and branch).</summary>
public static partial class A64Exec
{
    public static ulong BranchOffset26(uint raw) => (ulong)(SignExtend(raw & 0x3FF_FFFF, 26) << 2);
    public static ulong BranchOffset19(uint raw) => (ulong)(SignExtend((raw >> 5) & 0x7_FFFF, 19) << 2);
    public static ulong BranchOffset14(uint raw) => (ulong)(SignExtend((raw >> 5) & 0x3FFF, 14) << 2);

    /// <summary>B: PC-relative branch, +/-128 MiB (C6.2.26).</summary>
    public static void B(CpuCore cpu, ref DecodedInst d) => cpu.NextPc = cpu.Pc + BranchOffset26(d.Raw);

    /// <summary>BL: branch with link, X30 = PC + 4 (C6.2.34).</summary>
    public static void BL(CpuCore cpu, ref DecodedInst d)
    {
        cpu.SetX(30, cpu.Pc + 4);
        cpu.NextPc = cpu.Pc + BranchOffset26(d.Raw);
    }

    /// <summary>B.cond (C6.2.27).</summary>
    public static void B_cond(CpuCore cpu, ref DecodedInst d)
    {
        if (ConditionHolds(cpu.Nzcv, d.Raw & 0xF)) cpu.NextPc = cpu.Pc + BranchOffset19(d.Raw);
    }

    /// <summary>CBZ (C6.2.57).</summary>
    public static void CBZ(CpuCore cpu, ref DecodedInst d)
    {
        ulong v = d.Sf ? cpu.X(d.Rt) : cpu.W(d.Rt);
        if (v == 0) cpu.NextPc = cpu.Pc + BranchOffset19(d.Raw);
    }

    /// <summary>CBNZ (C6.2.56).</summary>
    public static void CBNZ(CpuCore cpu, ref DecodedInst d)
    {
        ulong v = d.Sf ? cpu.X(d.Rt) : cpu.W(d.Rt);
        if (v != 0) cpu.NextPc = cpu.Pc + BranchOffset19(d.Raw);
    }

    private static int TestBit(uint raw) => (int)(((raw >> 31) << 5) | ((raw >> 19) & 0x1F));

    /// <summary>TBZ (C6.2.376).</summary>
    public static void TBZ(CpuCore cpu, ref DecodedInst d)
    {
        if (((cpu.X(d.Rt) >> TestBit(d.Raw)) & 1) == 0) cpu.NextPc = cpu.Pc + BranchOffset14(d.Raw);
    }

    /// <summary>TBNZ (C6.2.375).</summary>
    public static void TBNZ(CpuCore cpu, ref DecodedInst d)
    {
        if (((cpu.X(d.Rt) >> TestBit(d.Raw)) & 1) != 0) cpu.NextPc = cpu.Pc + BranchOffset14(d.Raw);
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
