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

    /// <summary>ADR, C6.2: Xd = PC + imm.</summary>
    public static void ADR(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.Pc + d.Imm);

    /// <summary>ADRP, C6.2: Xd = PC with bits [11:0] cleared + imm * 4096.</summary>
    public static void ADRP(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, (cpu.Pc & ~0xFFFUL) + d.Imm);

    // ---- Add/subtract (immediate): Rn is SP-capable; Rd is SP-capable except for the flag-setting forms ----

    /// <summary>Predecoder of add/subtract (immediate): imm12, shifted left by 12 when sh = 1.</summary>
    public static ulong AddSubImm(uint raw) => (ulong)((raw >> 10) & 0xFFF) << (int)(((raw >> 22) & 1) * 12);

    /// <summary>ADD (immediate), 32-bit, C6.2.</summary>
    public static void ADD_imm_w(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, (uint)cpu.XOrSp(d.Rn) + (uint)d.Imm);

    /// <summary>ADD (immediate), 64-bit, C6.2.</summary>
    public static void ADD_imm_x(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, cpu.XOrSp(d.Rn) + d.Imm);

    /// <summary>SUB (immediate), 32-bit, C6.2.</summary>
    public static void SUB_imm_w(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, (uint)cpu.XOrSp(d.Rn) - (uint)d.Imm);

    /// <summary>SUB (immediate), 64-bit, C6.2.</summary>
    public static void SUB_imm_x(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, cpu.XOrSp(d.Rn) - d.Imm);

    /// <summary>ADDS (immediate), 32-bit, C6.2 (CMN alias when Rd = ZR).</summary>
    public static void ADDS_imm_w(CpuCore cpu, ref DecodedInst d)
    {
        uint x = (uint)cpu.XOrSp(d.Rn), y = (uint)d.Imm, r = x + y;
        cpu.Nzcv = AddFlags32(x, y, r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>ADDS (immediate), 64-bit, C6.2.</summary>
    public static void ADDS_imm_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong x = cpu.XOrSp(d.Rn), y = d.Imm, r = x + y;
        cpu.Nzcv = AddFlags64(x, y, r);
        cpu.SetX(d.Rd, r);
    }

    /// <summary>SUBS (immediate), 32-bit, C6.2 (CMP alias when Rd = ZR).</summary>
    public static void SUBS_imm_w(CpuCore cpu, ref DecodedInst d)
    {
        uint x = (uint)cpu.XOrSp(d.Rn), y = (uint)d.Imm, r = x - y;
        cpu.Nzcv = SubFlags32(x, y, r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>SUBS (immediate), 64-bit, C6.2.</summary>
    public static void SUBS_imm_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong x = cpu.XOrSp(d.Rn), y = d.Imm, r = x - y;
        cpu.Nzcv = SubFlags64(x, y, r);
        cpu.SetX(d.Rd, r);
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
    public static void MovWideSet(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, d.Imm);

    /// <summary>MOVK, 32-bit, C6.2: replaces one halfword, keeps the others.</summary>
    public static void MOVK_w(CpuCore cpu, ref DecodedInst d)
    {
        uint keep = ~(0xFFFFu << (int)(((d.Raw >> 21) & 1) * 16));
        cpu.SetW(d.Rd, (cpu.W(d.Rd) & keep) | (uint)d.Imm);
    }

    /// <summary>MOVK, 64-bit, C6.2.</summary>
    public static void MOVK_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong keep = ~(0xFFFFUL << (int)(((d.Raw >> 21) & 3) * 16));
        cpu.SetX(d.Rd, (cpu.X(d.Rd) & keep) | d.Imm);
    }
}
