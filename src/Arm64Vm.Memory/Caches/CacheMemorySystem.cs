using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arm64Vm.Memory.Caches;

/// <summary>
/// The data-holding cache model ("--cache-model state"): lines hold data, memory (PoC) holds its own copy, and an
/// access sees stale data exactly where the architecture lets it (mismatched attributes, missing maintenance,
/// non-coherent instruction caches). See specs/coherence-invariants.md for the rules it is tested against.
/// <para>
/// Cacheable accesses are coherent inside their shareability domain by snooping (MESI-like: a line held
/// <see cref="LineMeta.Unique"/> may be written without a snoop). Non-cacheable and Device accesses go to PoC and
/// never allocate. The class is split by concern: accesses, coherence primitives, maintenance, instruction side.
/// </para>
/// </summary>
public sealed partial class CacheMemorySystem : IMemorySystem, ICacheInspection
{
    private readonly CacheTopology _topology;
    private readonly AgentView[] _agents;
    /// <summary>L1D of each CPU agent and the way it last hit, indexed by agent id (the hit path).</summary>
    private readonly L1Hint[] _cpuL1d;
    /// <summary>The line TLB of each CPU agent (LTLB-1..LTLB-4), indexed by agent id.</summary>
    private readonly LineTlb[] _lineTlbs;
    private bool _lineTlbOn = true;
    private readonly int _cpuCount;
    private readonly bool _idc;
    private readonly bool _dic;
    private readonly bool _ncReturnsCached;

    public CacheMemorySystem(PhysicalMemoryMap map, CacheConfig? config = null)
    {
        Map = map;
        Caches = config ?? CacheConfig.CortexA57();
        _topology = new CacheTopology(Caches);
        _agents = _topology.Agents;
        _cpuCount = Caches.CpuCount;
        _idc = Caches.Idc;
        _dic = Caches.Dic;      // before the line TLBs, which take it (LTLB-3)
        _lineTlbs = new LineTlb[_cpuCount];
        for (int i = 0; i < _cpuCount; i++)
        {
            var l1d = _agents[i].L1D!;
            _lineTlbs[i] = new LineTlb(l1d, _dic);
            l1d.Mru = _lineTlbs[i];
        }
        _cpuL1d = new L1Hint[_cpuCount];
        for (int i = 0; i < _cpuCount; i++) _cpuL1d[i] = new L1Hint(_agents[i].L1D!, _offerSink, _dic);
        _ncReturnsCached = Caches.NonCacheableHit == NonCacheableHitPolicy.ReturnCached;
        InitMissPath();
        Statistics = new CacheStatistics(_topology.Caches);
        var pages = new CachedPages(map);
        foreach (var c in _topology.Caches) c.Pages = pages;
    }

    public PhysicalMemoryMap Map { get; }
    public CacheConfig Caches { get; }
    public CacheStatistics Statistics { get; }
    /// <summary>Receives structured events; null (the default) costs nothing.</summary>
    public ICacheEventSink? EventSink { get; set; }

    /// <summary>Every cache instance (L1I.n, L1D.n, L1D.host, L2 or L2.k, SLC).</summary>
    public IReadOnlyList<Cache> AllCaches => _topology.Caches;

    /// <summary>With DIC=0 the instruction side is a real cache, so fetches and pre-decoded code must follow it.</summary>
    public bool FetchThroughModel => true;

    /// <summary>
    /// Cacheable accesses must visit the model (LRU order, states, statistics). A Non-cacheable or Device access to a
    /// page no cache holds a line of would only read or write memory at PoC and count itself (ReadPoC and WritePoC
    /// find no line to hit or report), so the TLB may perform it in RAM and count it in its direct counter; the page
    /// is watched so its first cached line drops the entry (<see cref="Ram.PageCached"/>).
    /// </summary>
    public bool AllowsDirectRamAccess(Ram ram, ulong paPage, MemoryAttributes attributes, AccessKind kind) =>
        (kind == AccessKind.Read || kind == AccessKind.Write) && !attributes.IsCacheable && ram.TryMarkDirect(paPage);

    public void AttachDirectAccessCounter(int agent, IDirectAccessCounter counter) => Statistics.AddDirectCounter(counter);

    CacheStatistics? IMemorySystem.Statistics => Statistics;

    /// <summary>The line TLB of CPU agent <paramref name="agent"/> (LTLB-1), null for other agents.</summary>
    public LineTlb? LineTlbOf(int agent) => (uint)agent < (uint)_cpuCount ? _lineTlbs[agent] : null;

    /// <summary>
    /// On (the default): accesses offer their L1D line to the CPU's line TLB. Off: no offers, every entry dropped, so
    /// each access is a request to the model (the reference the line TLB is tested against, LTLB-4).
    /// </summary>
    public bool LineTlbEnabled
    {
        get => _lineTlbOn;
        set
        {
            _lineTlbOn = value;
            SetLineTlbs(value && _staleReads == null);
        }
    }

    /// <summary>
    /// On (the default): the model skips work whose result it already knows: the L1D lookup a CPU's hit path made
    /// before a miss is not repeated, and set lookups on the miss path try the way the line was found in last first
    /// (<see cref="Cache.FindPredicted"/>). Off: every lookup scans its set (the reference the shortcuts are tested
    /// against: every result, state, LRU order and statistic must be the same).
    /// </summary>
    public bool HostShortcuts { get; set; } = true;

    /// <summary>Attaches (or detaches) every CPU's line TLB to its L1D; a detached one is forgotten and never offered to.</summary>
    private void SetLineTlbs(bool on)
    {
        for (int i = 0; i < _cpuCount; i++)
        {
            _lineTlbs[i].Forget();
            _agents[i].L1D!.Mru = on ? _lineTlbs[i] : null;
            _cpuL1d[i].Mru = _cpuL1d[i].Cache.Mru ?? _offerSink;      // the hit path's copy
        }
    }

    /// <summary>
    /// LTLB-1: after an access of a CPU that leaves <paramref name="line"/> (index <paramref name="i"/>) the most
    /// recently used line of its set in the CPU's L1D <paramref name="c"/>, offers it to the CPU's line TLB (whose entry
    /// of the line's slot goes: it may be another line of the set, LTLB-5), which takes it if its CPU's request expects
    /// it (<see cref="LineTlb.Offer"/>). The hit paths offer through their hint instead (TryRead, TryWrite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OfferLine(Cache c, int i, ulong line)
    {
        var lt = c.Mru;
        if (lt == null) return;
        lt.ForgetLine(line);    // LTLB-1: its slot's entry may be a line of the same set, no longer the most recently used
        lt.Offer(line, (nuint)i, in c.LineRef(i));
    }

    /// <summary>Receives the hit path's offers while a CPU's line TLB is detached (never read).</summary>
    private readonly LineTlb _offerSink = LineTlb.None();

    public void AttachInstructionObserver(int agent, Action<ulong, int> bytesMayHaveChanged) =>
        AgentOf(agent).InstructionObserver += bytesMayHaveChanged;

    public void Barrier(int agent, MemoryBarrierKind kind)
    {
        // Maintenance completes when it is issued, so a DSB has nothing left to wait for (specs/deviations.md).
        Statistics.Barriers++;
    }

    /// <summary>The cache of an agent at a level of its data path (1 = L1D, 2 = L2, 3 = system cache), or null.</summary>
    public Cache? DataCacheOf(int agent, int level)
    {
        foreach (var c in AgentOf(agent).DataPath) if (c.Level == level) return c;
        return null;
    }

    public Cache? InstructionCacheOf(int agent) => AgentOf(agent).L1I;

    public Cache CacheNamed(string name) => _topology.Caches.First(c => c.Name == name);

    /// <summary>The hit-path state of CPU agent <paramref name="cpu"/> (the caller checked 0 &lt;= cpu &lt; CPU count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref L1Hint HintOf(int cpu) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cpuL1d), cpu);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private AgentView AgentOf(int id)
    {
        if ((uint)id < (uint)_cpuCount) return _agents[id];
        return id switch
        {
            MemoryAgents.Host => _agents[_cpuCount],
            MemoryAgents.NonCoherentDma => _agents[_cpuCount + 2],
            _ => _agents[_cpuCount + 1],      // unknown agents behave as an I/O-coherent master without caches
        };
    }

    /// <summary>0 Non-shareable, 1 Inner Shareable, 2 Outer Shareable: SH[1:0] 0 -> 0, 3 -> 1, 2 (and reserved 1) -> 2, as a table of 2-bit entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DomainOf(MemoryAttributes a) => (0x68 >> (2 * (int)a.Shareability)) & 3;

    private Ram? _lastRam;

    /// <summary>The RAM region holding pa (the last one found is tried first), or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Ram? RamAt(ulong pa)
    {
        var r = _lastRam;
        if (r != null && r.Contains(pa)) return r;
        r = Map.FindRam(pa);
        if (r != null) _lastRam = r;
        return r;
    }

    /// <summary>Whether an access with these attributes may look up cache c (inner attributes for L1/L2, outer for the system cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Uses(Cache c, MemoryAttributes a) =>
        (c.IsOuter ? a.Outer : a.Inner) != Cacheability.NonCacheable;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe ulong ReadData(Cache c, int offset, int size) =>
        ReadAt(ref Unsafe.AsRef<byte>((byte*)c.DataAddress + offset), size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadAt(ref byte b, int size)
    {
        return size switch
        {
            1 => b,
            2 => Unsafe.ReadUnaligned<ushort>(ref b),
            4 => Unsafe.ReadUnaligned<uint>(ref b),
            _ => Unsafe.ReadUnaligned<ulong>(ref b),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void WriteData(Cache c, int offset, int size, ulong value) =>
        WriteAt(ref Unsafe.AsRef<byte>((byte*)c.DataAddress + offset), size, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteAt(ref byte b, int size, ulong value)
    {
        switch (size)
        {
            case 1: b = (byte)value; break;
            case 2: Unsafe.WriteUnaligned(ref b, (ushort)value); break;
            case 4: Unsafe.WriteUnaligned(ref b, (uint)value); break;
            default: Unsafe.WriteUnaligned(ref b, value); break;
        }
    }

    private void Emit(in CacheEvent e) => EventSink?.OnCacheEvent(in e);
}
