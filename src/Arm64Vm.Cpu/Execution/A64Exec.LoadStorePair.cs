using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Load/store register pair (Arm ARM C4.1.68): LDP/STP (W and X), LDPSW and the no-allocate LDNP/STNP, with signed
/// offset, pre-index and post-index. Each element is its own access (alignment checked per element). Both loads
/// happen before any register is written; a store pair that crosses a page translates both pages for writing first,
/// so a fault on the second page leaves memory unchanged. LDNP/STNP behave as LDP/STP: the non-temporal hint only
/// concerns caching.
/// </summary>
public static partial class A64Exec
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadPair(CpuCore cpu, ref DecodedInst d, int size, LoadExtend ext, IndexMode mode)
    {
        int n = d.Rn;
        ulong b = BaseAddress(cpu, n);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        ulong v1 = ExtendLoaded(LoadSized(cpu, address, size), size, ext);
        ulong v2 = ExtendLoaded(LoadSized(cpu, address + (ulong)size, size), size, ext);
        cpu.SetX(d.Rt, v1);
        cpu.SetX(d.Rt2, v2);   // Rt == Rt2: the second element wins (QEMU's choice of Constraint_UNKNOWN)
        if (mode != IndexMode.Offset) cpu.SetXOrSp(n, b + d.Imm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(CpuCore cpu, ref DecodedInst d, int size, IndexMode mode)
    {
        int n = d.Rn;
        ulong b = BaseAddress(cpu, n);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        ulong v1 = cpu.X(d.Rt), v2 = cpu.X(d.Rt2);
        if ((address & 0xFFF) + (ulong)(2 * size) > 0x1000) cpu.ProbeStorePair(address, size);
        StoreSized(cpu, address, size, v1);
        StoreSized(cpu, address + (ulong)size, size, v2);
        if (mode != IndexMode.Offset) cpu.SetXOrSp(n, b + d.Imm);
    }

    // ---- post-index ----
    /// <summary>STP (post-index, 32-bit) (Arm ARM C6.2).</summary>
    public static void STP_w_post(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 4, IndexMode.Post);

    /// <summary>LDP (post-index, 32-bit) (Arm ARM C6.2).</summary>
    public static void LDP_w_post(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Post);

    /// <summary>LDPSW (post-index) (Arm ARM C6.2).</summary>
    public static void LDPSW_post(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Post);

    /// <summary>STP (post-index, 64-bit) (Arm ARM C6.2).</summary>
    public static void STP_x_post(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 8, IndexMode.Post);

    /// <summary>LDP (post-index, 64-bit) (Arm ARM C6.2).</summary>
    public static void LDP_x_post(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Post);

    // ---- signed offset ----
    /// <summary>STP (signed offset, 32-bit) (Arm ARM C6.2).</summary>
    public static void STP_w_off(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 4, IndexMode.Offset);

    /// <summary>LDP (signed offset, 32-bit) (Arm ARM C6.2).</summary>
    public static void LDP_w_off(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>LDPSW (signed offset) (Arm ARM C6.2).</summary>
    public static void LDPSW_off(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Offset);

    /// <summary>STP (signed offset, 64-bit) (Arm ARM C6.2).</summary>
    public static void STP_x_off(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 8, IndexMode.Offset);

    /// <summary>LDP (signed offset, 64-bit) (Arm ARM C6.2).</summary>
    public static void LDP_x_off(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Offset);

    // ---- pre-index ----
    /// <summary>STP (pre-index, 32-bit) (Arm ARM C6.2).</summary>
    public static void STP_w_pre(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 4, IndexMode.Pre);

    /// <summary>LDP (pre-index, 32-bit) (Arm ARM C6.2).</summary>
    public static void LDP_w_pre(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Pre);

    /// <summary>LDPSW (pre-index) (Arm ARM C6.2).</summary>
    public static void LDPSW_pre(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.SignX, IndexMode.Pre);

    /// <summary>STP (pre-index, 64-bit) (Arm ARM C6.2).</summary>
    public static void STP_x_pre(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 8, IndexMode.Pre);

    /// <summary>LDP (pre-index, 64-bit) (Arm ARM C6.2).</summary>
    public static void LDP_x_pre(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Pre);

    // ---- no-allocate pair (signed offset) ----
    /// <summary>STNP (32-bit) (Arm ARM C6.2).</summary>
    public static void STNP_w(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 4, IndexMode.Offset);

    /// <summary>LDNP (32-bit) (Arm ARM C6.2).</summary>
    public static void LDNP_w(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 4, LoadExtend.Zero, IndexMode.Offset);

    /// <summary>STNP (64-bit) (Arm ARM C6.2).</summary>
    public static void STNP_x(CpuCore cpu, ref DecodedInst d) => StorePair(cpu, ref d, 8, IndexMode.Offset);

    /// <summary>LDNP (64-bit) (Arm ARM C6.2).</summary>
    public static void LDNP_x(CpuCore cpu, ref DecodedInst d) => LoadPair(cpu, ref d, 8, LoadExtend.Zero, IndexMode.Offset);
}
