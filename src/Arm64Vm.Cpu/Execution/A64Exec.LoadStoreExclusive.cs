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

    /// <summary>LDXR/LDXRB/LDXRH (Arm ARM C6.2): load and mark the exclusive monitors.</summary>
    public static void LDXR(CpuCore cpu, ref DecodedInst d) => LoadExclusive(cpu, ref d);

    /// <summary>LDAXR/LDAXRB/LDAXRH (Arm ARM C6.2): load-acquire exclusive.</summary>
    public static void LDAXR(CpuCore cpu, ref DecodedInst d) => LoadExclusive(cpu, ref d);

    /// <summary>STXR/STXRB/STXRH (Arm ARM C6.2): store if the monitors pass; Ws = 0 on success, 1 on failure.</summary>
    public static void STXR(CpuCore cpu, ref DecodedInst d) => StoreExclusive(cpu, ref d);

    /// <summary>STLXR/STLXRB/STLXRH (Arm ARM C6.2): store-release exclusive.</summary>
    public static void STLXR(CpuCore cpu, ref DecodedInst d) => StoreExclusive(cpu, ref d);

    /// <summary>LDXP (Arm ARM C6.2).</summary>
    public static void LDXP(CpuCore cpu, ref DecodedInst d) => LoadExclusivePair(cpu, ref d);

    /// <summary>LDAXP (Arm ARM C6.2).</summary>
    public static void LDAXP(CpuCore cpu, ref DecodedInst d) => LoadExclusivePair(cpu, ref d);

    /// <summary>STXP (Arm ARM C6.2).</summary>
    public static void STXP(CpuCore cpu, ref DecodedInst d) => StoreExclusivePair(cpu, ref d);

    /// <summary>STLXP (Arm ARM C6.2).</summary>
    public static void STLXP(CpuCore cpu, ref DecodedInst d) => StoreExclusivePair(cpu, ref d);

    /// <summary>LDAR/LDARB/LDARH (Arm ARM C6.2): load-acquire register.</summary>
    public static void LDAR(CpuCore cpu, ref DecodedInst d) => LoadAcquire(cpu, ref d);

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

    private static void LoadAcquire(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        RequireAligned(cpu, address, size, write: false);
        cpu.SetX(d.Rt, LoadSized(cpu, address, size));
    }

    private static void LoadExclusive(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        RequireAligned(cpu, address, size, write: false);
        ulong value = LoadSized(cpu, address, size);
        cpu.MarkExclusive(address, size);
        cpu.SetX(d.Rt, value);
    }

    private static void StoreExclusive(CpuCore cpu, ref DecodedInst d)
    {
        int size = SizeOf(ref d);
        ulong address = BaseAddress(cpu, d.Rn);
        ulong data = cpu.X(d.Rt);
        bool stored = cpu.StoreExclusive(address, size, data, 0);
        cpu.SetW(d.Rs, stored ? 0u : 1u);
    }

    private static void LoadExclusivePair(CpuCore cpu, ref DecodedInst d)
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

    private static void StoreExclusivePair(CpuCore cpu, ref DecodedInst d)
    {
        bool x = ((d.Raw >> 30) & 1) != 0;
        ulong address = BaseAddress(cpu, d.Rn);
        bool stored = x
            ? cpu.StoreExclusive(address, 16, cpu.X(d.Rt), cpu.X(d.Rt2))
            : cpu.StoreExclusive(address, 8, (ulong)cpu.W(d.Rt) | (ulong)cpu.W(d.Rt2) << 32, 0);
        cpu.SetW(d.Rs, stored ? 0u : 1u);
    }
}
