using System.Numerics;
using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>Logical (immediate), Arm ARM C4.1.66.4. The bitmask is decoded once (predecoder) into d.Imm.</summary>
public static partial class A64Exec
{
    /// <summary>
    /// DecodeBitMasks(immN, imms, immr, immediate = TRUE, M) returning wmask (Arm ARM J1,
    /// aarch64/instrs/integer/bitmasks). False for the reserved patterns: no element size (N:NOT(imms) has no
    /// set bit above bit 0), an all-ones element (S = levels), or a 64-bit element in a 32-bit operation.
    /// </summary>
    public static bool TryDecodeBitMask(uint n, uint imms, uint immr, int datasize, out ulong mask)
    {
        mask = 0;
        uint combined = (n << 6) | (~imms & 0x3F);
        if (combined < 2) return false;                                     // len < 1
        int len = BitOperations.Log2(combined);
        int esize = 1 << len;
        if (esize > datasize) return false;
        uint levels = (uint)esize - 1;
        uint s = imms & levels, r = immr & levels;
        if (s == levels) return false;
        ulong emask = esize == 64 ? ~0UL : (1UL << esize) - 1;
        ulong welem = (2UL << (int)s) - 1;                                  // Ones(S + 1), S <= 62
        if (r != 0) welem = ((welem >> (int)r) | (welem << (esize - (int)r))) & emask;
        for (int e = esize; e < 64; e <<= 1) welem |= welem << e;           // Replicate
        mask = datasize == 64 ? welem : (uint)welem;
        return true;
    }

    /// <summary>Validator of the logical (immediate) rows: DecodeBitMasks must not be reserved.</summary>
    public static bool LogicalImmValid(uint raw) =>
        TryDecodeBitMask((raw >> 22) & 1, (raw >> 10) & 0x3F, (raw >> 16) & 0x3F, (raw & 0x8000_0000u) != 0 ? 64 : 32, out _);

    /// <summary>Predecoder of the logical (immediate) rows: the decoded bitmask (zero-extended for 32-bit).</summary>
    public static ulong LogicalImm(uint raw)
    {
        TryDecodeBitMask((raw >> 22) & 1, (raw >> 10) & 0x3F, (raw >> 16) & 0x3F, (raw & 0x8000_0000u) != 0 ? 64 : 32, out ulong mask);
        return mask;
    }

    /// <summary>
    /// AND, ORR, EOR, ANDS (immediate), C6.2 (MOV bitmask and TST aliases): Rn is ZR-capable; Rd is SP-capable
    /// except for ANDS. The mask of a 32-bit row is predecoded zero-extended, so 64-bit arithmetic followed by
    /// truncation equals the 32-bit operation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LogicalImmediate(CpuCore cpu, ref DecodedInst d, int rd, int rn, bool rdIs31, bool sf, LogicOp op)
    {
        ulong x = sf ? cpu.X(rn) : cpu.W(rn);
        ulong r = op switch { LogicOp.Orr => x | d.Imm, LogicOp.Eor => x ^ d.Imm, _ => x & d.Imm };
        if (op != LogicOp.Ands) { SetRegOrSp(cpu, rd, rdIs31, r); return; }
        cpu.SetFlagsLogic(r, sf);   // CPU-FLAGS-1
        SetReg(cpu, rd, rdIs31, r);
    }
}

/// <summary>The operation of a logical (immediate or shifted register) row.</summary>
internal enum LogicOp : byte { And, Orr, Eor, Ands }
