using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Cpu;

/// <summary>
/// The Performance Monitors Extension (PMUv3, Arm ARM (DDI 0487K.a) chapter D12) of one PE: six 32-bit event
/// counters (PMCR_EL0.N = 6) and the 64-bit cycle counter. Counters are derived lazily: each keeps a base value and
/// a snapshot of its event source taken when its counting state last changed (enable, write, EL change, filter
/// change); its value is base + (source now − snapshot). Nothing is done per instruction, and nothing at all while
/// the PMU is disabled. Overflow is computed when something samples it (a read of PMOVSSET/PMOVSCLR or
/// <see cref="CpuCore.PmuInterruptAsserted"/>, which the interrupt controller reads at the run loop's event-check
/// points, where the instruction count is exact).
/// </summary>
public sealed class Pmu
{
    /// <summary>PMCR_EL0.N: the number of event counters.</summary>
    public const int EventCounters = 6;
    /// <summary>Index of the cycle counter in the per-counter arrays and bit 31 of the enable/overflow registers.</summary>
    internal const int Cycle = 31;
    private const int Slots = EventCounters + 1;

    // Common event numbers (Arm ARM D12.11, Table D12-4: common architectural and microarchitectural events).
    public const uint SwIncr = 0x00, InstRetired = 0x08, ExcTaken = 0x09, ExcReturn = 0x0A, CpuCycles = 0x11,
        InstSpec = 0x1B, Chain = 0x1E;
    /// <summary>PMU-MEM: MEM_ACCESS, data memory accesses (each load or store access the PE makes, one per element
    /// access as the load/store instructions perform them; an atomic read-modify-write counts once).</summary>
    public const uint MemAccess = 0x13;
    // Cache events (Arm ARM D12.11), counted from the cache model's statistics of this PE's caches.
    public const uint L1iCacheRefill = 0x01, L1dCacheRefill = 0x03, L1dCache = 0x04, L1iCache = 0x14, L1dCacheWb = 0x15,
        L2dCache = 0x16, L2dCacheRefill = 0x17, L2dCacheWb = 0x18;

    private const ulong PmcrE = 1, PmcrP = 2, PmcrC = 4, PmcrLc = 1UL << 6;
    /// <summary>PMCR_EL0 bits software can write: E, D, X, DP, LC (P and C are write-only actions).</summary>
    private const ulong PmcrWritable = PmcrE | (1UL << 3) | (1UL << 4) | (1UL << 5) | PmcrLc;
    private const uint FilterP = 1u << 31, FilterU = 1u << 30;

    private readonly CpuCore _cpu;
    private ulong _pmcr;
    private readonly ulong[] _base = new ulong[Slots];
    private readonly ulong[] _snapshot = new ulong[Slots];
    private readonly bool[] _counting = new bool[Slots];
    /// <summary>Per counter: the overflows (2^32 carries, or 2^64 for a 64-bit cycle counter) already reported in PMOVS.</summary>
    private readonly ulong[] _overflowsSeen = new ulong[Slots];
    private readonly uint[] _evtyper = new uint[EventCounters];

    /// <summary>This PE's L1I, L1D and L2 statistics when the cache model runs (null with "--cache-model off").</summary>
    private readonly CacheLevelStatistics? _l1i, _l1d, _l2;

    internal Pmu(CpuCore cpu)
    {
        _cpu = cpu;
        if (cpu.Memory.Statistics is { } statistics && cpu.Index < cpu.Memory.Caches.CpuCount)
        {
            var config = cpu.Memory.Caches;
            _l1i = statistics.ForCache($"L1I.{cpu.Index}");
            _l1d = statistics.ForCache($"L1D.{cpu.Index}");
            // The L2 of this PE's cluster (a shared L2 counts the accesses of every PE that shares it).
            _l2 = statistics.ForCache(!config.L2PerCluster || config.Clusters == 1 ? "L2" : $"L2.{cpu.Index / config.CpusPerCluster}");
        }
    }

    /// <summary>PMCNTENSET_EL0 / PMCNTENCLR_EL0 (bits 0-5 and 31).</summary>
    public uint Enabled { get; private set; }
    /// <summary>PMOVSSET_EL0 / PMOVSCLR_EL0, as last sampled.</summary>
    public uint Overflows { get; private set; }
    /// <summary>PMINTENSET_EL1 / PMINTENCLR_EL1.</summary>
    public uint InterruptEnables { get; private set; }
    public ulong Selr { get; private set; }
    public uint CycleFilter { get; private set; }
    public ulong UserEnable { get; private set; }

    /// <summary>True while some counter may count: the only state in which EL changes cost anything.</summary>
    public bool Active => (_pmcr & PmcrE) != 0 && Enabled != 0;

    /// <summary>The counter implemented mask: event counters 0..N-1 and the cycle counter.</summary>
    internal const uint ImplementedMask = (1u << EventCounters) - 1 | 1u << Cycle;

    public void Reset()
    {
        _pmcr = 0;
        Enabled = Overflows = InterruptEnables = CycleFilter = 0;
        Selr = UserEnable = 0;
        Array.Clear(_base);
        Array.Clear(_snapshot);
        Array.Clear(_counting);
        Array.Clear(_overflowsSeen);
        Array.Clear(_evtyper);
        UpdateMemAccessCounting();
    }

    // ---- Event sources ----

    /// <summary>Whether this PE implements the common event (PMCEID0_EL0 bit): the cache events only with the cache model.</summary>
    public bool Implements(uint evt) =>
        evt is SwIncr or InstRetired or ExcTaken or ExcReturn or CpuCycles or InstSpec or Chain or MemAccess
        || (_l1d != null && evt is L1iCacheRefill or L1dCacheRefill or L1dCache or L1iCache or L1dCacheWb or L2dCache or L2dCacheRefill or L2dCacheWb);

    /// <summary>PMCEID0_EL0: events 0x00-0x1F implemented (PMCEID1_EL0, events 0x20-0x3F, is zero).</summary>
    public ulong CommonEventIds0()
    {
        ulong v = 0;
        for (uint e = 0; e < 32; e++) if (Implements(e)) v |= 1UL << (int)e;
        return v;
    }

    private static int Slot(int counter) => counter == Cycle ? EventCounters : counter;

    private uint EventOf(int slot) => slot == EventCounters ? CpuCycles : _evtyper[slot] & 0xFFFF;

    /// <summary>The free-running count the counter follows (0 for SW_INCR and unimplemented events: they only move by software).</summary>
    private ulong Source(int slot) => EventOf(slot) switch
    {
        InstRetired or InstSpec or CpuCycles => _cpu.RetiredNow,
        ExcTaken => _cpu.ExceptionsTaken,
        ExcReturn => _cpu.ExceptionReturns,
        MemAccess => _cpu.MemoryAccesses,
        Chain when (slot & 1) == 1 && slot < EventCounters => Raw(slot - 1) >> 32,
        _ when _l1d == null => 0,
        L1iCacheRefill => (ulong)_l1i!.Misses,
        L1iCache => (ulong)(_l1i!.Hits + _l1i.Misses),
        L1dCacheRefill => (ulong)_l1d.Misses,
        L1dCache => (ulong)(_l1d.Hits + _l1d.Misses),
        L1dCacheWb => (ulong)_l1d.WriteBacks,
        L2dCacheRefill => (ulong)_l2!.Misses,
        L2dCache => (ulong)(_l2!.Hits + _l2.Misses),
        L2dCacheWb => (ulong)_l2!.WriteBacks,
        _ => 0,
    };

    /// <summary>PMCR.E, the enable bit and the EL filter (PMEVTYPER/PMCCFILTR P and U: Arm ARM D12.5.2).</summary>
    private bool Counts(int slot)
    {
        int bit = slot == EventCounters ? Cycle : slot;
        if ((_pmcr & PmcrE) == 0 || ((Enabled >> bit) & 1) == 0) return false;
        uint filter = slot == EventCounters ? CycleFilter : _evtyper[slot];
        return (filter & (_cpu.El == 0 ? FilterU : FilterP)) == 0;
    }

    /// <summary>The counter's unwrapped value: its architectural value is the low 32 bits (64 for the cycle counter).</summary>
    private ulong Raw(int slot) => _counting[slot] ? _base[slot] + (Source(slot) - _snapshot[slot]) : _base[slot];

    /// <summary>
    /// Folds every counter's count so far into its base and re-evaluates whether it counts: called after anything that
    /// changes a counting state (the count up to now belongs to the old state). Even counters first, so a CHAIN
    /// counter sees its partner's folded value.
    /// </summary>
    public void Sync()
    {
        for (int s = 0; s < Slots; s++)
        {
            ulong now = Source(s);
            if (_counting[s]) _base[s] += now - _snapshot[s];
            _snapshot[s] = now;
            _counting[s] = Counts(s);
        }
        UpdateMemAccessCounting();
    }

    /// <summary>
    /// PMU-MEM: data accesses are seen one by one (off the TLB fast paths) only while an enabled counter, with
    /// PMCR_EL0.E set, is programmed with MEM_ACCESS; otherwise counting it costs nothing.
    /// </summary>
    private void UpdateMemAccessCounting()
    {
        bool on = false;
        if ((_pmcr & PmcrE) != 0)
            for (int s = 0; s < EventCounters; s++) on |= ((Enabled >> s) & 1) != 0 && (_evtyper[s] & 0xFFFF) == MemAccess;
        _cpu.SetMemAccessCounting(on);
    }

    /// <summary>Takes new snapshots after a register write changed a base, a filter or an event (the count before it was folded by <see cref="Sync"/>).</summary>
    private void Resnap()
    {
        for (int s = 0; s < Slots; s++)
        {
            _snapshot[s] = Source(s);
            _counting[s] = Counts(s);
        }
        UpdateMemAccessCounting();
    }

    /// <summary>Sets PMOVS bits for counters that overflowed since last sampled (Arm ARM D12.8: a 32-bit event counter overflows past 0xFFFFFFFF; the cycle counter past bit 31 (PMCR.LC = 0) or bit 63 (LC = 1)).</summary>
    public uint SampleOverflows()
    {
        for (int s = 0; s < Slots; s++)
        {
            ulong raw = Raw(s);
            bool lc64 = s == EventCounters && (_pmcr & PmcrLc) != 0;
            ulong carries = lc64 ? (raw < _base[s] && _counting[s] ? 1UL : 0) : raw >> 32;
            if (carries > _overflowsSeen[s])
            {
                Overflows |= 1u << (s == EventCounters ? Cycle : s);
                _overflowsSeen[s] = carries;
            }
        }
        return Overflows;
    }

    /// <summary>The overflow interrupt request (PPI 23): PMOVSSET &amp; PMINTENSET, gated by PMCR_EL0.E.</summary>
    public bool InterruptAsserted => (_pmcr & PmcrE) != 0 && (SampleOverflows() & InterruptEnables) != 0;

    // ---- Register views ----

    public ulong ReadPmcr() => _pmcr | ((ulong)EventCounters << 11) | (0x41UL << 24);   // IMP = 0x41 ('A'), IDCODE 0

    public void WritePmcr(ulong v)
    {
        Sync();
        _pmcr = v & PmcrWritable;
        if ((v & PmcrP) != 0) for (int s = 0; s < EventCounters; s++) SetCounter(s, 0);
        if ((v & PmcrC) != 0) SetCounter(EventCounters, 0);
        Resnap();
    }

    public void SetEnabled(uint bits) { Sync(); Enabled |= bits & ImplementedMask; Resnap(); }
    public void ClearEnabled(uint bits) { Sync(); Enabled &= ~bits; Resnap(); }
    public void SetOverflows(uint bits) { SampleOverflows(); Overflows |= bits & ImplementedMask; }
    public void ClearOverflows(uint bits) { SampleOverflows(); Overflows &= ~bits; }
    public void SetInterruptEnables(uint bits) => InterruptEnables |= bits & ImplementedMask;
    public void ClearInterruptEnables(uint bits) => InterruptEnables &= ~bits;
    public void WriteSelr(ulong v) => Selr = v & 0x1F;
    public void WriteUserEnable(ulong v) => UserEnable = v & 0xF;

    public void WriteCycleFilter(ulong v) { Sync(); CycleFilter = (uint)v & (FilterP | FilterU); Resnap(); }

    public ulong ReadCounter(int counter)
    {
        if (counter != Cycle && counter >= EventCounters) return 0;
        int s = Slot(counter);
        ulong raw = Raw(s);
        return s == EventCounters ? raw : (uint)raw;
    }

    public void WriteCounter(int counter, ulong v)
    {
        if (counter != Cycle && counter >= EventCounters) return;
        Sync();
        SetCounter(Slot(counter), v);
        Resnap();
    }

    /// <summary>Sets a base (after <see cref="Sync"/>): its overflows restart from the new value.</summary>
    private void SetCounter(int s, ulong v)
    {
        SampleOverflows();
        _base[s] = s == EventCounters ? v : (uint)v;
        _overflowsSeen[s] = 0;
    }

    public ulong ReadType(int counter) =>
        counter == Cycle ? CycleFilter : counter < EventCounters ? _evtyper[counter] : 0;

    public void WriteType(int counter, ulong v)
    {
        if (counter == Cycle) { WriteCycleFilter(v); return; }
        if (counter >= EventCounters) return;
        Sync();
        _evtyper[counter] = (uint)v & (FilterP | FilterU | 0xFFFF);
        Resnap();
    }

    /// <summary>PMSWINC_EL0: each set bit increments its counter when that counter counts SW_INCR and is counting.</summary>
    public void SoftwareIncrement(ulong bits)
    {
        for (int s = 0; s < EventCounters; s++)
            if (((bits >> s) & 1) != 0 && (_evtyper[s] & 0xFFFF) == SwIncr && Counts(s)) _base[s]++;
    }
}
