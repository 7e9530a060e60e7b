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

    /// <summary>SBFM, 32-bit, C6.2 SBFM (ASR, SBFIZ, SBFX, SXTB, SXTH aliases).</summary>
    public static void SBFM_w(CpuCore cpu, ref DecodedInst d)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        cpu.SetW(d.Rd, (uint)((int)(cpu.W(d.Rn) << left) >> right));
    }

    /// <summary>SBFM, 64-bit (ASR, SBFIZ, SBFX, SXTB, SXTH, SXTW aliases).</summary>
    public static void SBFM_x(CpuCore cpu, ref DecodedInst d)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        cpu.SetX(d.Rd, (ulong)((long)(cpu.X(d.Rn) << left) >> right));
    }

    /// <summary>UBFM, 32-bit, C6.2 UBFM (LSL, LSR, UBFIZ, UBFX, UXTB, UXTH aliases).</summary>
    public static void UBFM_w(CpuCore cpu, ref DecodedInst d)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        cpu.SetW(d.Rd, (cpu.W(d.Rn) << left) >> right);
    }

    /// <summary>UBFM, 64-bit (LSL, LSR, UBFIZ, UBFX aliases).</summary>
    public static void UBFM_x(CpuCore cpu, ref DecodedInst d)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        cpu.SetX(d.Rd, (cpu.X(d.Rn) << left) >> right);
    }

    /// <summary>BFM, 32-bit, C6.2 BFM (BFI, BFXIL, BFC aliases): bits outside the field keep Rd's value.</summary>
    public static void BFM_w(CpuCore cpu, ref DecodedInst d)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        uint mask = (~0u << left) >> right;
        uint field = (cpu.W(d.Rn) << left) >> right;
        cpu.SetW(d.Rd, (cpu.W(d.Rd) & ~mask) | field);
    }

    /// <summary>BFM, 64-bit.</summary>
    public static void BFM_x(CpuCore cpu, ref DecodedInst d)
    {
        int left = (int)(d.Imm & 0xFF), right = (int)(d.Imm >> 8);
        ulong mask = (~0UL << left) >> right;
        ulong field = (cpu.X(d.Rn) << left) >> right;
        cpu.SetX(d.Rd, (cpu.X(d.Rd) & ~mask) | field);
    }

    /// <summary>EXTR, 32-bit, C6.2 EXTR (ROR immediate alias when Rn = Rm): (Wn:Wm)&lt;lsb+31:lsb&gt;.</summary>
    public static void EXTR_w(CpuCore cpu, ref DecodedInst d)
    {
        int lsb = (int)((d.Raw >> 10) & 31);
        // Wn << (32 - lsb) written as << 1 << (31 - lsb) so that lsb = 0 shifts Wn out entirely.
        cpu.SetW(d.Rd, (cpu.W(d.Rm) >> lsb) | (cpu.W(d.Rn) << 1 << (31 - lsb)));
    }

    /// <summary>EXTR, 64-bit: (Xn:Xm)&lt;lsb+63:lsb&gt;.</summary>
    public static void EXTR_x(CpuCore cpu, ref DecodedInst d)
    {
        int lsb = (int)((d.Raw >> 10) & 63);
        cpu.SetX(d.Rd, (cpu.X(d.Rm) >> lsb) | (cpu.X(d.Rn) << 1 << (63 - lsb)));
    }
}
