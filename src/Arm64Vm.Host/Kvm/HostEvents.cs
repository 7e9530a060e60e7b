namespace Arm64Vm.Host.Kvm;

/// <summary>What the host layer did (one structured event per action; scenarios and tests assert on them).</summary>
public enum HostEventKind
{
    /// <summary>A vCPU left the guest (Detail: exit class).</summary>
    Exit,
    /// <summary>A stage-2 fault (Detail: translation | permission | access-flag | outside-memslot, read/write/exec).</summary>
    Stage2Fault,
    /// <summary>A stage-2 leaf installed (Detail: permissions).</summary>
    Map,
    /// <summary>A stage-2 leaf removed.</summary>
    Unmap,
    /// <summary>Permissions of an existing leaf relaxed (W or X added).</summary>
    Relax,
    /// <summary>The access flag of a leaf set.</summary>
    AccessFlag,
    /// <summary>Write permission removed (dirty logging).</summary>
    WriteProtect,
    /// <summary>Data-cache clean+invalidate to PoC (Lines: lines maintained).</summary>
    CleanInvalidate,
    /// <summary>Instruction-cache invalidation to PoU of a range, or of everything (Size 0).</summary>
    IcacheInvalidate,
    /// <summary>TLB invalidation (Detail: ipa | vmid | local).</summary>
    Tlbi,
    /// <summary>HCR_EL2.TVM set or cleared for a vCPU (Detail: set | clear).</summary>
    Tvm,
    /// <summary>A whole-VM flush (Detail: set-way | toggle | init).</summary>
    VmFlush,
    /// <summary>vCPU init (Detail: first | re-init).</summary>
    VcpuInit,
    /// <summary>A trapped instruction the host skipped or emulated (Detail: what).</summary>
    Emulate,
    /// <summary>An abort injected into the guest.</summary>
    InjectAbort,
    /// <summary>PSCI call (Detail: function).</summary>
    Psci,
    /// <summary>Dirty-log harvest (Size: pages reported).</summary>
    DirtyLog,
    /// <summary>A stage-2 block replaced by an empty table (H11; Detail: why).</summary>
    Split,
    /// <summary>An MMU-notifier invalidation of a guest range (H13; Detail: swap-out | cow-share | cow-break; Lines: leaves unmapped).</summary>
    MmuNotifier,
    /// <summary>A guest page moved to a new host frame (H13; Address: IPA, Size: the new frame's host PA; Detail: swap-in | cow-copy).</summary>
    FrameMove,
}

/// <summary>One host action. Address/Size are IPA ranges unless the kind says otherwise.</summary>
public readonly record struct HostEvent(long Sequence, HostEventKind Kind, int Vcpu, ulong Address, ulong Size, long Lines, string Detail)
{
    public override string ToString() =>
        $"#{Sequence} vcpu{Vcpu} {Kind} 0x{Address:X}+0x{Size:X}{(Lines != 0 ? $" lines={Lines}" : "")} {Detail}";
}

/// <summary>The event log of one VM (bounded: the oldest events are dropped past <see cref="Capacity"/>; counters are not).</summary>
public sealed class HostEventLog
{
    private readonly Queue<HostEvent> _events = new();
    private long _sequence;

    public int Capacity { get; set; } = 100_000;
    public IReadOnlyCollection<HostEvent> Events => _events;
    public long Total => _sequence;
    /// <summary>Called for every event as it happens (tracing).</summary>
    public Action<HostEvent>? Observer { get; set; }

    internal void Add(HostEventKind kind, int vcpu, ulong address, ulong size, long lines, string detail)
    {
        var e = new HostEvent(_sequence++, kind, vcpu, address, size, lines, detail);
        if (_events.Count >= Capacity) _events.Dequeue();
        _events.Enqueue(e);
        Observer?.Invoke(e);
    }

    public IEnumerable<HostEvent> OfKind(HostEventKind kind) => _events.Where(e => e.Kind == kind);
    public void Clear() => _events.Clear();
}

/// <summary>Per-run totals of what the host did and what it cost (the strategy comparison's figures).</summary>
public sealed class HostCounters
{
    public long Exits;
    public long Stage2TranslationFaults;
    public long Stage2PermissionFaults;
    public long Stage2AccessFlagFaults;
    public long MmioExits;
    public long PagesMapped;
    public long PagesUnmapped;
    public long LinesCleanedInvalidated;
    public long DirtyBytesWrittenBack;
    public long IcacheInvalidations;
    public long IcacheLinesInvalidated;
    public long Tlbis;
    public long VmFlushes;
    public long TvmSets;
    public long TvmClears;
    public long SetWayTraps;
    public long VcpuInits;
    public long PsciCalls;
    public long InjectedAborts;
    public long SkippedCmos;
    public long WriteProtects;
    public long BlocksMapped;
    public long BlockSplits;
    public long DeviceMappings;
    public long MmuNotifierInvalidations;
    public long SwapOuts;
    public long SwapIns;
    public long CowBreaks;

    public long Stage2Faults => Stage2TranslationFaults + Stage2PermissionFaults + Stage2AccessFlagFaults;

    /// <summary>Counter names (kebab-case, as scenarios name them) and values.</summary>
    public IReadOnlyDictionary<string, long> ToDictionary() => new SortedDictionary<string, long>
    {
        ["exits"] = Exits,
        ["stage2-faults"] = Stage2Faults,
        ["stage2-translation-faults"] = Stage2TranslationFaults,
        ["stage2-permission-faults"] = Stage2PermissionFaults,
        ["stage2-access-flag-faults"] = Stage2AccessFlagFaults,
        ["mmio-exits"] = MmioExits,
        ["pages-mapped"] = PagesMapped,
        ["pages-unmapped"] = PagesUnmapped,
        ["lines-cleaned"] = LinesCleanedInvalidated,
        ["dirty-bytes-written-back"] = DirtyBytesWrittenBack,
        ["icache-invalidations"] = IcacheInvalidations,
        ["icache-lines-invalidated"] = IcacheLinesInvalidated,
        ["tlbis"] = Tlbis,
        ["vm-flushes"] = VmFlushes,
        ["tvm-sets"] = TvmSets,
        ["tvm-clears"] = TvmClears,
        ["set-way-traps"] = SetWayTraps,
        ["vcpu-inits"] = VcpuInits,
        ["psci-calls"] = PsciCalls,
        ["injected-aborts"] = InjectedAborts,
        ["skipped-cmos"] = SkippedCmos,
        ["write-protects"] = WriteProtects,
        ["blocks-mapped"] = BlocksMapped,
        ["block-splits"] = BlockSplits,
        ["device-mappings"] = DeviceMappings,
        ["mmu-notifier-invalidations"] = MmuNotifierInvalidations,
        ["swap-outs"] = SwapOuts,
        ["swap-ins"] = SwapIns,
        ["cow-breaks"] = CowBreaks,
    };

    public static IReadOnlyCollection<string> Names { get; } = new HostCounters().ToDictionary().Keys.ToArray();
}
