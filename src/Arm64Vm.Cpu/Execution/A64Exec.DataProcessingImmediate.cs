using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Data processing -- immediate (Arm ARM C4.1.66): PC-relative addressing, add/subtract (immediate), move wide.
/// Logical immediates, bitfield and extract are in their own files. Immediates are predecoded into d.Imm.
/// </summary>
public static partial class A64Exec
{
    // ---- PC-rel. addressing ----

    /// <summary>Predecoder of ADR: SignExtend(immhi:immlo, 64).</summary>
    public static ulong AdrOffset(uint raw) => (ulong)SignExtend(((raw >> 3) & 0x1F_FFFC) | ((raw >> 29) & 3), 21);

    /// <summary>Predecoder of ADRP: SignExtend(immhi:immlo:Zeros(12), 64).</summary>
    public static ulong AdrpOffset(uint raw) => AdrOffset(raw) << 12;

    /// <summary>ADR and ADRP, C6.2: Xd = PC (with bits [11:0] cleared for ADRP) + the predecoded offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PcRelative(CpuCore cpu, ref DecodedInst d, int rd, bool page) => cpu.SetX(rd, (page ? cpu.Pc & ~0xFFFUL : cpu.Pc) + d.Imm);

    // ---- Add/subtract (immediate): Rn is SP-capable; Rd is SP-capable except for the flag-setting forms ----

    /// <summary>Predecoder of add/subtract (immediate): imm12, shifted left by 12 when sh = 1.</summary>
    public static ulong AddSubImm(uint raw) => (ulong)((raw >> 10) & 0xFFF) << (int)(((raw >> 22) & 1) * 12);

    /// <summary>
    /// ADD, ADDS, SUB, SUBS (immediate), C6.2 (CMN/CMP aliases when Rd = ZR): Rn is SP-capable; Rd is SP-capable
    /// except for the flag-setting forms. The immediate (imm12, shifted by sh) was predecoded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddSubImmediate(CpuCore cpu, ref DecodedInst d, int rd, int rn, bool rdIs31, bool rnIs31, bool sf, bool sub, bool setFlags)
    {
        ulong r = AddSub(cpu, RegOrSp(cpu, rn, rnIs31), d.Imm, sf, sub, setFlags);
        if (setFlags) SetReg(cpu, rd, rdIs31, r); else SetRegOrSp(cpu, rd, rdIs31, r);
    }

    // ---- Move wide (immediate) ----

    /// <summary>
    /// Predecoder of move wide: MOVZ -> imm16 &lt;&lt; pos, MOVN -> NOT(imm16 &lt;&lt; pos) truncated to the datasize,
    /// MOVK -> imm16 &lt;&lt; pos (the handler merges it).
    /// </summary>
    public static ulong MovWideImm(uint raw)
    {
        ulong v = (ulong)((raw >> 5) & 0xFFFF) << (int)(((raw >> 21) & 3) * 16);
        if (((raw >> 29) & 3) == 0) v = ~v;                         // MOVN
        return (raw & 0x8000_0000u) != 0 ? v : (uint)v;
    }

    /// <summary>MOVN (C6.2) and MOVZ (C6.2.227): the whole result was predecoded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MovWideSet(CpuCore cpu, ref DecodedInst d, int rd, bool rdIs31) => SetReg(cpu, rd, rdIs31, d.Imm);

    /// <summary>MOVK, C6.2: replaces halfword hw with the predecoded imm16 &lt;&lt; (hw * 16), keeps the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MovKeep(CpuCore cpu, ref DecodedInst d, int rd, bool rdIs31, int hw, bool sf)
    {
        ulong v = (cpu.X(rd) & ~(0xFFFFUL << (hw * 16))) | d.Imm;
        SetReg(cpu, rd, rdIs31, sf ? v : (uint)v);
    }
}
