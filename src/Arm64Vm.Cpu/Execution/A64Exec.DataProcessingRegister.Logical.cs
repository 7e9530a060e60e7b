using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Logical (shifted register), Arm ARM C4.1.67: all registers ZR-capable, all four shift types.</summary>
public static partial class A64Exec
{
    /// <summary>
    /// AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register), C6.2 (MOV, MVN, TST aliases): invert (the N
    /// bit) complements the shifted Rm.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LogicalShifted(CpuCore cpu, int rd, int rn, int rm, int shift, int imm6, bool rdIs31, bool imm6Is0, bool sf, LogicOp op, bool invert)
    {
        ulong y = ShiftReg(cpu.X(rm), shift, imm6, sf, imm6Is0);
        if (invert) y = sf ? ~y : ~(uint)y;
        ulong x = cpu.X(rn);
        ulong r = op switch { LogicOp.Orr => x | y, LogicOp.Eor => x ^ y, _ => x & y };
        if (!sf) r = (uint)r;
        if (op == LogicOp.Ands) cpu.SetFlagsLogic(r, sf);   // CPU-FLAGS-1
        SetReg(cpu, rd, rdIs31, r);
    }
}
