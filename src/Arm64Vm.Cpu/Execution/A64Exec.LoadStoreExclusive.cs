using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu.Execution;

/// <summary>
/// Load/store exclusive (register and pair) and load-acquire/store-release (Arm ARM C4.1.68; monitors B2.9). All
/// require natural alignment (of the whole pair for LDXP/STXP): an alignment fault (DFSC 0x21) otherwise.
/// The interpreter executes one instruction at a time per PE, so acquire/release ordering holds trivially.
/// CONSTRAINED UNPREDICTABLE choices (QEMU's): STXR with Rs == Rt/Rt2/Rn stores the registers' values and then
/// writes the status; LDXP/LDAXP with Rt == Rt2 leaves the second element.
/// </summary>
public static partial class A64Exec
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SizeOf(ref DecodedInst d) => 1 << (int)(d.Raw >> 30);










    /// <summary>STLR/STLRB/STLRH (Arm ARM C6.2): store-release register.</summary>
    public static void STLR(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        RequireAligned(cpu, address, size, write: true);
        StoreSized(cpu, address, size, cpu.X(d.Rt));
    }

    /// <summary>LDAPR/LDAPRB/LDAPRH (FEAT_LRCPC, Arm ARM C6.2): load-acquire RCpc; UNDEFINED without the feature.</summary>
    public static void LDAPR(CpuCore cpu, ref DecodedInst d)
    {
        if (!cpu.Features.Lrcpc) { cpu.TakeUndefined(); return; }
        LoadAcquire(cpu, ref d);
    }

    internal static void LoadAcquire(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        RequireAligned(cpu, address, size, write: false);
        cpu.SetX(d.Rt, LoadSized(cpu, address, size));
    }

    internal static void LoadExclusive(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        RequireAligned(cpu, address, size, write: false);
        ulong value = LoadSized(cpu, address, size);
        cpu.MarkExclusive(address, size);
        cpu.SetX(d.Rt, value);
    }

    internal static void StoreExclusive(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        ulong data = cpu.X(d.Rt);
        bool stored = cpu.StoreExclusive(address, size, data, 0);
        cpu.SetW(d.Rs, stored ? 0u : 1u);
    }

    internal static void LoadExclusivePair(CpuCore cpu, ref DecodedInst d)
    {
        bool x = ((d.Raw >> 30) & 1) != 0;
        ulong address = BaseAddress(cpu, d.Rn);
        ulong v1, v2;
        if (x)
        {
            RequireAligned(cpu, address, 16, write: false);
            v1 = cpu.ReadU64(address);
            v2 = cpu.ReadU64(address + 8);
        }
        else
        {
            RequireAligned(cpu, address, 8, write: false);
            ulong both = cpu.ReadU64(address);   // one single-copy-atomic 64-bit access
            v1 = (uint)both;
            v2 = both >> 32;
        }
        cpu.MarkExclusive(address, x ? 16 : 8);
        cpu.SetX(d.Rt, v1);
        cpu.SetX(d.Rt2, v2);
    }

    internal static void StoreExclusivePair(CpuCore cpu, ref DecodedInst d)
    {
        bool x = ((d.Raw >> 30) & 1) != 0;
        ulong address = BaseAddress(cpu, d.Rn);
        bool stored = x
            ? cpu.StoreExclusive(address, 16, cpu.X(d.Rt), cpu.X(d.Rt2))
            : cpu.StoreExclusive(address, 8, (ulong)cpu.W(d.Rt) | (ulong)cpu.W(d.Rt2) << 32, 0);
        cpu.SetW(d.Rs, stored ? 0u : 1u);
    }
}
