using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Conditional compare and conditional select, Arm ARM C4.1.67. d.Imm holds the condition's truth table
/// (<see cref="CondTruthTable"/>); results are chosen with masks, not branches.
/// </summary>
public static partial class A64Exec
{
    /// <summary>
    /// CCMN, CCMP (register: y = Rm; immediate: y = imm5), C6.2: NZCV of Rn + y or Rn - y when the condition holds,
    /// else the instruction's nzcv.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CondCompare(CpuCore cpu, ref DecodedInst d, int rn, int nzcv, bool sf, bool sub, int rm = -1, int imm5 = 0)
    {
        ulong y = rm >= 0 ? cpu.X(rm) : (ulong)imm5;
        uint flags;
        if (sf) { ulong x = cpu.X(rn), r = sub ? x - y : x + y; flags = sub ? SubFlags64(x, y, r) : AddFlags64(x, y, r); }
        else { uint x = cpu.W(rn), yw = (uint)y, r = sub ? x - yw : x + yw; flags = sub ? SubFlags32(x, yw, r) : AddFlags32(x, yw, r); }
        uint holds = 0u - (uint)CondBit(d.Imm, cpu.Nzcv);
        cpu.Nzcv = (flags & holds) | ((uint)nzcv << 28 & ~holds);
    }

    /// <summary>
    /// CSEL, CSINC, CSINV, CSNEG, C6.2 (CINC, CSET, CINV, CSETM, CNEG aliases): Rd = cond ? Rn : f(Rm), the
    /// condition's truth table over NZCV predecoded. The rows' variants for EQ, NE, CS and CC (<c>spec=cond:0</c> to
    /// <c>spec=cond:3</c>: CSET's and CINC's usual conditions, and the unsigned compares) test Z or C alone, as B.EQ and
    /// B.NE do (CPU-FLAGS-1: with the flags recorded lazily, Z or C from the record, without computing NZCV).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CondSelect(CpuCore cpu, ref DecodedInst d, int rd, int rn, int rm, bool rdIs31, bool condIs0, bool condIs1,
        bool condIs2, bool condIs3, bool sf, SelectOp op)
    {
        ulong m = cpu.X(rm);
        ulong ifFalse = op switch { SelectOp.Inc => m + 1, SelectOp.Inv => ~m, SelectOp.Neg => 0 - m, _ => m };
        ulong holds = 0UL - (condIs0 ? Unsafe.BitCast<bool, byte>(cpu.ZeroFlag) : condIs1 ? Unsafe.BitCast<bool, byte>(!cpu.ZeroFlag)
            : condIs2 ? Unsafe.BitCast<bool, byte>(cpu.CarryFlag) : condIs3 ? Unsafe.BitCast<bool, byte>(!cpu.CarryFlag) : CondBit(d.Imm, cpu.Nzcv));
        ulong r = (cpu.X(rn) & holds) | (ifFalse & ~holds);
        SetReg(cpu, rd, rdIs31, sf ? r : (uint)r);
    }
}

/// <summary>What a conditional select writes when the condition fails: Rm, Rm + 1, NOT Rm, -Rm.</summary>
internal enum SelectOp : byte { Sel, Inc, Inv, Neg }
