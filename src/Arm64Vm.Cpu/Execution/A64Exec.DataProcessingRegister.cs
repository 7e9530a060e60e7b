using System.Numerics;
using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Data processing -- register (Arm ARM C4.1.67): add/subtract (shifted register, extended register, with carry).
/// Logical, conditional, 1/2/3-source and CRC32 are in their own DataProcessingRegister.*.cs files.
/// </summary>
public static partial class A64Exec
{
    /// <summary>ShiftReg() for 64-bit operands: shift type bits [23:22], amount imm6 bits [15:10].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ShiftedRm64(CpuCore cpu, uint raw)
    {
        ulong v = cpu.X((int)((raw >> 16) & 31));
        int amount = (int)((raw >> 10) & 63);
        return ((raw >> 22) & 3) switch
        {
            0 => v << amount,
            1 => v >> amount,
            2 => (ulong)((long)v >> amount),
            _ => BitOperations.RotateRight(v, amount),
        };
    }

    /// <summary>ShiftReg() for 32-bit operands (the _w rows fix imm6&lt;5&gt; = 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ShiftedRm32(CpuCore cpu, uint raw)
    {
        uint v = cpu.W((int)((raw >> 16) & 31));
        int amount = (int)((raw >> 10) & 31);
        return ((raw >> 22) & 3) switch
        {
            0 => v << amount,
            1 => v >> amount,
            2 => (uint)((int)v >> amount),
            _ => BitOperations.RotateRight(v, amount),
        };
    }

    // ---- Add/subtract (shifted register): every register is ZR-capable ----

    /// <summary>Validator: shift = 11 (ROR) is reserved for add/subtract (shifted register).</summary>
    public static bool AddSubShiftValid(uint raw) => ((raw >> 22) & 3) != 3;

    /// <summary>ADD (shifted register), 32-bit, C6.2 ADD (shifted register).</summary>
    public static void ADD_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) + ShiftedRm32(cpu, d.Raw));

    /// <summary>ADD (shifted register), 64-bit.</summary>
    public static void ADD_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) + ShiftedRm64(cpu, d.Raw));

    /// <summary>SUB (shifted register), 32-bit, C6.2 SUB (shifted register) (NEG alias when Rn = ZR).</summary>
    public static void SUB_sreg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetW(d.Rd, cpu.W(d.Rn) - ShiftedRm32(cpu, d.Raw));

    /// <summary>SUB (shifted register), 64-bit.</summary>
    public static void SUB_sreg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetX(d.Rd, cpu.X(d.Rn) - ShiftedRm64(cpu, d.Raw));

    /// <summary>ADDS (shifted register), 32-bit, C6.2 ADDS (shifted register) (CMN alias).</summary>
    public static void ADDS_sreg_w(CpuCore cpu, ref DecodedInst d)
    {
        uint x = cpu.W(d.Rn), y = ShiftedRm32(cpu, d.Raw), r = x + y;
        cpu.Nzcv = AddFlags32(x, y, r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>ADDS (shifted register), 64-bit.</summary>
    public static void ADDS_sreg_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong x = cpu.X(d.Rn), y = ShiftedRm64(cpu, d.Raw), r = x + y;
        cpu.Nzcv = AddFlags64(x, y, r);
        cpu.SetX(d.Rd, r);
    }

    /// <summary>SUBS (shifted register), 32-bit, C6.2 SUBS (shifted register) (CMP, NEGS aliases).</summary>
    public static void SUBS_sreg_w(CpuCore cpu, ref DecodedInst d)
    {
        uint x = cpu.W(d.Rn), y = ShiftedRm32(cpu, d.Raw), r = x - y;
        cpu.Nzcv = SubFlags32(x, y, r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>SUBS (shifted register), 64-bit.</summary>
    public static void SUBS_sreg_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong x = cpu.X(d.Rn), y = ShiftedRm64(cpu, d.Raw), r = x - y;
        cpu.Nzcv = SubFlags64(x, y, r);
        cpu.SetX(d.Rd, r);
    }

    // ---- Add/subtract (extended register): Rn is SP-capable, Rd too except for ADDS/SUBS; Rm is ZR-capable ----

    /// <summary>Validator: the left shift imm3 of an extended register is at most 4.</summary>
    public static bool ExtendShiftValid(uint raw) => ((raw >> 10) & 7) <= 4;

    /// <summary>ExtendReg(): Rm extended by option bits [15:13] (UXTB..SXTX), then shifted left by imm3 bits [12:10].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ExtendedRm(CpuCore cpu, uint raw)
    {
        ulong v = cpu.X((int)((raw >> 16) & 31));
        v = ((raw >> 13) & 7) switch
        {
            0 => (byte)v,
            1 => (ushort)v,
            2 => (uint)v,
            3 => v,
            4 => (ulong)(sbyte)v,
            5 => (ulong)(short)v,
            6 => (ulong)(int)v,
            _ => v,
        };
        return v << (int)((raw >> 10) & 7);
    }

    /// <summary>ADD (extended register), 32-bit, C6.2 ADD (extended register).</summary>
    public static void ADD_ereg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, (uint)cpu.XOrSp(d.Rn) + (uint)ExtendedRm(cpu, d.Raw));

    /// <summary>ADD (extended register), 64-bit.</summary>
    public static void ADD_ereg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, cpu.XOrSp(d.Rn) + ExtendedRm(cpu, d.Raw));

    /// <summary>SUB (extended register), 32-bit, C6.2 SUB (extended register).</summary>
    public static void SUB_ereg_w(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, (uint)cpu.XOrSp(d.Rn) - (uint)ExtendedRm(cpu, d.Raw));

    /// <summary>SUB (extended register), 64-bit.</summary>
    public static void SUB_ereg_x(CpuCore cpu, ref DecodedInst d) => cpu.SetXOrSp(d.Rd, cpu.XOrSp(d.Rn) - ExtendedRm(cpu, d.Raw));

    /// <summary>ADDS (extended register), 32-bit, C6.2 ADDS (extended register).</summary>
    public static void ADDS_ereg_w(CpuCore cpu, ref DecodedInst d)
    {
        uint x = (uint)cpu.XOrSp(d.Rn), y = (uint)ExtendedRm(cpu, d.Raw), r = x + y;
        cpu.Nzcv = AddFlags32(x, y, r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>ADDS (extended register), 64-bit.</summary>
    public static void ADDS_ereg_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong x = cpu.XOrSp(d.Rn), y = ExtendedRm(cpu, d.Raw), r = x + y;
        cpu.Nzcv = AddFlags64(x, y, r);
        cpu.SetX(d.Rd, r);
    }

    /// <summary>SUBS (extended register), 32-bit, C6.2 SUBS (extended register).</summary>
    public static void SUBS_ereg_w(CpuCore cpu, ref DecodedInst d)
    {
        uint x = (uint)cpu.XOrSp(d.Rn), y = (uint)ExtendedRm(cpu, d.Raw), r = x - y;
        cpu.Nzcv = SubFlags32(x, y, r);
        cpu.SetW(d.Rd, r);
    }

    /// <summary>SUBS (extended register), 64-bit.</summary>
    public static void SUBS_ereg_x(CpuCore cpu, ref DecodedInst d)
    {
        ulong x = cpu.XOrSp(d.Rn), y = ExtendedRm(cpu, d.Raw), r = x - y;
        cpu.Nzcv = SubFlags64(x, y, r);
        cpu.SetX(d.Rd, r);
    }

    // ---- Add/subtract (with carry): SBC is AddWithCarry(Rn, NOT(Rm), C) ----

    /// <summary>ADC, C6.2 ADC.</summary>
    public static void ADC(CpuCore cpu, ref DecodedInst d)
    {
        ulong c = (cpu.Nzcv >> 29) & 1;
        if (d.Sf) cpu.SetX(d.Rd, cpu.X(d.Rn) + cpu.X(d.Rm) + c);
        else cpu.SetW(d.Rd, (uint)(cpu.W(d.Rn) + cpu.W(d.Rm) + c));
    }

    /// <summary>SBC, C6.2 SBC (NGC alias).</summary>
    public static void SBC(CpuCore cpu, ref DecodedInst d)
    {
        ulong c = (cpu.Nzcv >> 29) & 1;
        if (d.Sf) cpu.SetX(d.Rd, cpu.X(d.Rn) + ~cpu.X(d.Rm) + c);
        else cpu.SetW(d.Rd, (uint)(cpu.W(d.Rn) + ~cpu.W(d.Rm) + c));
    }

    /// <summary>ADCS, C6.2 ADCS.</summary>
    public static void ADCS(CpuCore cpu, ref DecodedInst d) => AddWithCarryToRd(cpu, ref d, cpu.X(d.Rm));

    /// <summary>SBCS, C6.2 SBCS (NGCS alias).</summary>
    public static void SBCS(CpuCore cpu, ref DecodedInst d) => AddWithCarryToRd(cpu, ref d, ~cpu.X(d.Rm));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWithCarryToRd(CpuCore cpu, ref DecodedInst d, ulong y)
    {
        bool carry = (cpu.Nzcv & 0x2000_0000u) != 0;
        uint nzcv;
        if (d.Sf) cpu.SetX(d.Rd, AddWithCarry64(cpu.X(d.Rn), y, carry, out nzcv));
        else cpu.SetW(d.Rd, AddWithCarry32(cpu.W(d.Rn), (uint)y, carry, out nzcv));
        cpu.Nzcv = nzcv;
    }
}
