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
    internal static void LoadPair(CpuCore cpu, ref DecodedInst d, int size, LoadExtend ext, IndexMode mode)
    {
        int n = d.Rn;
        ulong b = BaseAddress(cpu, n);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        cpu.ReadPair(address, size, out ulong v1, out ulong v2);     // CPU-PAIR-1
        v1 = ExtendLoaded(v1, size, ext);
        v2 = ExtendLoaded(v2, size, ext);
        cpu.SetX(d.Rt, v1);
        cpu.SetX(d.Rt2, v2);   // Rt == Rt2: the second element wins (QEMU's choice of Constraint_UNKNOWN)
        if (mode != IndexMode.Offset) cpu.SetXOrSp(n, b + d.Imm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StorePair(CpuCore cpu, ref DecodedInst d, int size, IndexMode mode)
    {
        int n = d.Rn;
        ulong b = BaseAddress(cpu, n);
        ulong address = mode == IndexMode.Post ? b : b + d.Imm;
        ulong v1 = cpu.X(d.Rt), v2 = cpu.X(d.Rt2);
        cpu.WritePair(address, size, v1, v2);     // CPU-PAIR-1
        if (mode != IndexMode.Offset) cpu.SetXOrSp(n, b + d.Imm);
    }

    // ---- post-index ----





    // ---- signed offset ----





    // ---- pre-index ----





    // ---- no-allocate pair (signed offset) ----



}
