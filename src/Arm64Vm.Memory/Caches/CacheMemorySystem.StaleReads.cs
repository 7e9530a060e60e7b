namespace Arm64Vm.Memory.Caches;

/// <summary>
/// C10, the stale-read detector: off by default (the field is null and the only cost is one null test on the read
/// slow path). When on, every read by a CPU agent that reaches the slow path is compared with the coherent value
/// (<see cref="StaleReadLog"/>); the L1D hit path is turned off (each CPU's hint points at an empty cache) so cacheable
/// hits on a clean line older than memory are seen too. Reads the CPU performs straight in RAM (a Non-cacheable access
/// to a page no cache holds a line of) cannot be stale and are not counted. Instruction fetches are counted when the
/// CPU decodes a slot (its pre-decoded code is reused until the memory system reports the line changed or gone).
/// </summary>
public sealed partial class CacheMemorySystem
{
    private StaleReadLog? _staleReads;
    private Cache[]? _dataCachesByLevel;

    /// <summary>The detector's log, or null when it is off.</summary>
    public StaleReadLog? StaleReads => _staleReads;

    /// <summary>Turns the detector on (idempotent) and returns its log. Detection slows every access down.</summary>
    public StaleReadLog EnableStaleReadDetection()
    {
        if (_staleReads != null) return _staleReads;
        _dataCachesByLevel = _topology.Caches.Where(c => c.Kind != CacheKind.Instruction).OrderBy(c => c.Level).ToArray();
        var empty = new Cache(-1, "stale-read-detector", 1, CacheKind.Data, false, new CacheGeometry(CacheConfig.LineSize, 1), 1);
        for (int i = 0; i < _cpuCount; i++) _cpuL1d[i] = new L1Hint(empty, _offerSink);
        SetLineTlbs(false);     // every read must reach the detector
        return _staleReads = new StaleReadLog();
    }

    /// <summary>The slow read path with the detector on: performs the read, then compares it with the coherent value.</summary>
    private bool ReadObserved(int agent, ulong pa, int size, AccessKind kind, MemoryAttributes attrs, out ulong value)
    {
        var log = _staleReads!;
        _staleReads = null;
        bool ok;
        try { ok = ReadSlow(agent, pa, size, kind, attrs, out value); }
        finally { _staleReads = log; }
        if (!ok || (uint)agent >= (uint)_cpuCount) return ok;
        var ram = RamAt(pa);
        if (ram == null || !ram.Contains(pa, (ulong)size)) return ok;
        int off = (int)pa & (L - 1);
        ulong coherent = 0;
        bool dirty = false;
        if (off + size <= L) coherent = CoherentValue(ram, pa, off, size, ref dirty);
        else
            for (int b = 0; b < size; b++) coherent |= CoherentValue(ram, pa + (ulong)b, (off + b) & (L - 1), 1, ref dirty) << (8 * b);
        if (coherent != value) log.Record(agent, pa, size, kind, attrs.IsCacheable, value, coherent);
        else if (dirty && !attrs.IsCacheable) log.RecordAroundDirty(pa);
        return ok;
    }

    /// <summary>
    /// The newest value of bytes inside one line: the top-most dirty copy in a data cache (dirty data moves down level
    /// by level, so the top-most one is the newest), else memory.
    /// </summary>
    private ulong CoherentValue(Ram ram, ulong pa, int off, int size, ref bool dirty)
    {
        ulong line = pa >> CacheConfig.LineShift;
        foreach (var c in _dataCachesByLevel!)
        {
            if (c.ValidCount == 0) continue;
            int i = c.Find(line);
            if (i >= 0 && c.Lines[i].State == LineState.Dirty)
            {
                dirty = true;
                return ReadData(c, i * L + off, size);
            }
        }
        return ram.ReadRaw(pa, size);
    }
}
