using System.Numerics;
using System.Runtime.CompilerServices;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Data processing -- register (Arm ARM C4.1.67): add/subtract (shifted register, extended register, with carry).
/// Logical, conditional, 1/2/3-source and CRC32 are in their own DataProcessingRegister.*.cs files. The _w and
/// _x rows pass sf, the operation rows pass sub/setFlags: each row's wrapper inlines a specialised copy.
/// </summary>
public static partial class A64Exec
{
    /// <summary>ShiftReg() (Arm ARM J1): shift type 00 LSL, 01 LSR, 10 ASR, 11 ROR, by amount.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ShiftReg(ulong v, int shift, int amount, bool sf, bool amountIs0 = false)
    {
        if (amountIs0) return sf ? v : (uint)v;
        if (sf)
            return shift switch
            {
                0 => v << amount,
                1 => v >> amount,
                2 => (ulong)((long)v >> amount),
                _ => BitOperations.RotateRight(v, amount),
            };
        uint w = (uint)v;
        return shift switch
        {
            0 => w << amount,
            1 => w >> amount,
            2 => (uint)((int)w >> amount),
            _ => BitOperations.RotateRight(w, amount),
        };
    }

    /// <summary>
    /// Rd = Rn + y or Rn - y, truncated to the datasize; when setFlags, NZCV as AddWithCarry() gives it, recorded
    /// lazily (CPU-FLAGS-1: computed when read).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddSub(CpuCore cpu, ulong x, ulong y, bool sf, bool sub, bool setFlags)
    {
        if (sf)
        {
            ulong r = sub ? x - y : x + y;
            if (setFlags) { if (sub) cpu.SetFlagsSub64(x, y, r); else cpu.SetFlagsAdd64(x, y, r); }
            return r;
        }
        uint xw = (uint)x, yw = (uint)y, rw = sub ? xw - yw : xw + yw;
        if (setFlags) { if (sub) cpu.SetFlagsSub32(xw, yw, rw); else cpu.SetFlagsAdd32(xw, yw, rw); }
        return rw;
    }

    // ---- Add/subtract (shifted register): every register is ZR-capable ----

    /// <summary>Validator: shift = 11 (ROR) is reserved for add/subtract (shifted register).</summary>
    public static bool AddSubShiftValid(uint shift) => shift != 3;

    /// <summary>ADD, ADDS, SUB, SUBS (shifted register), C6.2 (CMN, CMP, NEG, NEGS aliases).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddSubShifted(CpuCore cpu, int rd, int rn, int rm, int shift, int imm6, bool rdIs31, bool imm6Is0, bool sf, bool sub, bool setFlags) =>
        SetReg(cpu, rd, rdIs31, AddSub(cpu, cpu.X(rn), ShiftReg(cpu.X(rm), shift, imm6, sf, imm6Is0), sf, sub, setFlags));

    // ---- Add/subtract (extended register): Rn is SP-capable, Rd too except for ADDS/SUBS; Rm is ZR-capable ----

    /// <summary>Validator: the left shift imm3 of an extended register is at most 4.</summary>
    public static bool ExtendShiftValid(uint imm3) => imm3 <= 4;

    /// <summary>ExtendReg() (Arm ARM J1): Rm extended by option (UXTB..SXTX), then shifted left by imm3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ExtendReg(ulong v, int option, int imm3)
    {
        v = option switch
        {
            0 => (byte)v,
            1 => (ushort)v,
            2 => (uint)v,
            4 => (ulong)(sbyte)v,
            5 => (ulong)(short)v,
            6 => (ulong)(int)v,
            _ => v,
        };
        return v << imm3;
    }

    /// <summary>ADD, ADDS, SUB, SUBS (extended register), C6.2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddSubExtended(CpuCore cpu, int rd, int rn, int rm, int option, int imm3, bool sf, bool sub, bool setFlags)
    {
        ulong r = AddSub(cpu, cpu.XOrSp(rn), ExtendReg(cpu.X(rm), option, imm3), sf, sub, setFlags);
        if (setFlags) cpu.SetX(rd, r); else cpu.SetXOrSp(rd, r);
    }

    // ---- Add/subtract (with carry): SBC is AddWithCarry(Rn, NOT(Rm), C) ----

    /// <summary>ADC, ADCS, SBC, SBCS, C6.2 (NGC, NGCS aliases).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddSubCarry(CpuCore cpu, int rd, int rn, int rm, bool sf, bool sub, bool setFlags)
    {
        bool carry = (cpu.Nzcv & 0x2000_0000u) != 0;
        ulong y = sub ? ~cpu.X(rm) : cpu.X(rm);
        uint nzcv;
        if (sf) cpu.SetX(rd, AddWithCarry64(cpu.X(rn), y, carry, out nzcv));
        else cpu.SetW(rd, AddWithCarry32(cpu.W(rn), (uint)y, carry, out nzcv));
        if (setFlags) cpu.Nzcv = nzcv;
    }
}
