using System.Runtime.CompilerServices;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Cpu;

/// <summary>
/// Where instruction bytes come from. With a flat memory system (or "--cache-model off") the run loop decodes
/// straight from RAM and the shared <see cref="CpuSystem.CodeCache"/> is invalidated by every write to a code page
/// (coherent, like DIC=1). When the memory system models the instruction side (<see cref="IMemorySystem.FetchThroughModel"/>),
/// each PE keeps its own pre-decoded code, decodes from what its fetches return (its L1I, filled from PoU), and a
/// decoded slot stays valid while the memory system does not report the line gone from this PE's L1I (IC IVAU,
/// IC IALLU, eviction) or, with DIC=1, changed. So a guest that skips IC IVAU runs its stale instructions.
/// </summary>
public sealed unsafe partial class CpuCore
{
    private CodeCache? _privateCode;
    private ulong _fetchPaPage;
    private MemoryAttributes _fetchAttributes;

    /// <summary>The pre-decoded code this PE executes from.</summary>
    public CodeCache CodeCache => _privateCode ?? System.CodeCache;

    private void InitInstructionSide()
    {
        if (Memory.FetchThroughModel)
        {
            _privateCode = new CodeCache(Memory.Map);
            Memory.AttachInstructionObserver(Index, _privateCode.InvalidateRange);
        }
        BarrierExecuted += static (cpu, kind) => cpu.Memory.Barrier(cpu.Index, (MemoryBarrierKind)kind);
    }

    /// <summary>Selects the pre-decoded page and the byte source for the page the PC entered (after Mmu.TranslateFetch).</summary>
    private void SetFetchSource(Ram ram, ulong paPage, ulong pc)
    {
        _fetchPage = CodeCache.GetPage(ram, paPage);
        _fetchPaPage = paPage;
        _fetchAttributes = _tlbFast.Way0Of(pc).FetchAttributes;
        _fetchHost = _privateCode == null ? ram.PointerTo(paPage) : null;
    }

    /// <summary>An instruction fetch through the memory system (only when a slot must be decoded).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint FetchThroughMemory(ulong pc)
    {
        if (!Memory.TryRead(Index, _fetchPaPage | (pc & 0xFFC), 4, AccessKind.Fetch, _fetchAttributes, out ulong word))
        {
            NextPc = pc;
            TakeInstructionAbort(pc, FaultStatus.SynchronousExternal);
            throw GuestException.Instance;
        }
        return (uint)word;
    }
}

/// <summary>Keeps the cache-related CPU features equal to what the memory system models.</summary>
public static class CpuFeaturesCacheExtensions
{
    /// <summary>CTR_EL0.IDC/DIC and the line sizes follow the configured hierarchy (the ID registers must not promise more than is modelled).</summary>
    public static CpuFeatures MirrorCaches(this CpuFeatures f, CacheConfig caches)
    {
        f.Idc = caches.Idc;
        f.Dic = caches.Dic;
        f.DminLine = f.IminLine = System.Numerics.BitOperations.Log2(CacheConfig.LineSize / 4);
        return f;
    }
}
