using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Bitfield (SBFM/BFM/UBFM) and extract (EXTR), Arm ARM C4.1.66.6-7.
/// <para>
/// With M the datasize, R = immr and S = imms, the ASL (wmask/tmask from DecodeBitMasks(N, imms, immr, FALSE))
/// selects field src&lt;S:R&gt; placed at bit 0 when S &gt;= R, or src&lt;S:0&gt; placed at bit M-R when S &lt; R. Both cases are
/// "shift left by M-1-S, then shift right by (M-1-S+R) mod M": the left shift puts src&lt;S&gt; at the top bit and drops
/// the bits above it; a logical right shift gives UBFM, an arithmetic one gives SBFM (top = Replicate(src&lt;S&gt;)).
/// BFM merges that value under the same shifts applied to all-ones. The two amounts are predecoded.
/// </para>
/// </summary>
public static partial class A64Exec
{
    /// <summary>Predecoder of the bitfield rows: bits [7:0] = M-1-S, bits [15:8] = (M-1-S+R) mod M.</summary>
    public static ulong BitfieldShifts(uint raw)
    {
        uint top = (raw & 0x8000_0000u) != 0 ? 63u : 31u;
        uint r = (raw >> 16) & top, s = (raw >> 10) & top;
        uint left = top - s;
        return left | ((left + r) & top) << 8;
    }

    /// <summary>
    /// SBFM, BFM, UBFM, C6.2 (ASR, LSL, LSR, SBFIZ, SBFX, UBFIZ, UBFX, BFI, BFXIL, BFC, SXT*, UXT* aliases): the
    /// predecoded shifts in d.Imm (bits [7:0] left, [15:8] right). BFM keeps Rd's bits outside the field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Bitfield(CpuCore cpu, ref DecodedInst d, int rd, int rn, bool sf, BitfieldOp op)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        if (sf)
        {
            ulong x = cpu.X(rn) << left;
            ulong r = op == BitfieldOp.Signed ? (ulong)((long)x >> right) : x >> right;
            if (op == BitfieldOp.Insert) { ulong mask = (~0UL << left) >> right; r = (cpu.X(rd) & ~mask) | r; }
            cpu.SetX(rd, r);
        }
        else
        {
            uint x = cpu.W(rn) << left;
            uint r = op == BitfieldOp.Signed ? (uint)((int)x >> right) : x >> right;
            if (op == BitfieldOp.Insert) { uint mask = (~0u << left) >> right; r = (cpu.W(rd) & ~mask) | r; }
            cpu.SetW(rd, r);
        }
    }

    /// <summary>EXTR, C6.2 (ROR immediate alias when Rn = Rm): (Rn:Rm)&lt;lsb+datasize-1:lsb&gt;, lsb = imms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Extract(CpuCore cpu, int rd, int rn, int rm, int imms, bool sf)
    {
        // Rn << (datasize - lsb) written as << 1 << (datasize - 1 - lsb) so that lsb = 0 shifts Rn out entirely.
        if (sf) cpu.SetX(rd, (cpu.X(rm) >> imms) | (cpu.X(rn) << 1 << (63 - imms)));
        else cpu.SetW(rd, (cpu.W(rm) >> imms) | (cpu.W(rn) << 1 << (31 - imms)));
    }
}

/// <summary>SBFM (Signed), UBFM (Unsigned), BFM (Insert).</summary>
internal enum BitfieldOp : byte { Signed, Unsigned, Insert }
