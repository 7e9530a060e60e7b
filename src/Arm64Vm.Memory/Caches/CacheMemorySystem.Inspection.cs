namespace Arm64Vm.Memory.Caches;

/// <summary>
/// What tests, scenarios and the host layer use to look inside the model and to inject the events hardware may
/// produce at any time (speculative clean fills, evictions), plus a bench entry point.
/// </summary>
public sealed partial class CacheMemorySystem
{
    public ICacheInspection Inspection => this;

    public IReadOnlyDictionary<string, long> DirtyLinesPerLevel()
    {
        var perLevel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var cache in _topology.Caches)
        {
            if (cache.Kind == CacheKind.Instruction) continue;
            long dirty = 0;
            foreach (ref readonly var line in cache.Lines.AsSpan())
                if (line.State == LineState.Dirty) dirty++;
            string level = CacheStatistics.LevelName(cache);
            perLevel[level] = perLevel.GetValueOrDefault(level) + dirty;
        }
        return perLevel;
    }

    /// <summary>The value at PoC (RAM), ignoring every cache.</summary>
    public ulong PeekMemory(ulong pa, int size)
    {
        var ram = Map.FindRam(pa) ?? throw new ArgumentOutOfRangeException(nameof(pa));
        return ram.ReadRaw(pa, size);
    }

    /// <summary>State of the line holding pa in a cache.</summary>
    public LineState StateOf(Cache cache, ulong pa) => cache.StateOf(pa >> CacheConfig.LineShift);

    /// <summary>Every cache (data, unified or instruction) that holds the line of pa.</summary>
    public IEnumerable<Cache> Holders(ulong pa)
    {
        ulong line = pa >> CacheConfig.LineShift;
        foreach (var c in _topology.Caches) if (c.Find(line) >= 0) yield return c;
    }

    /// <summary>
    /// The value an instruction fill by this agent would read now (the PoU view, see <c>ReadAtPoU</c>), without
    /// changing any state: with IDC=1 the newest dirty copy of the inner domain, else the newest dirty copy at or
    /// after PoU, else the first holder of the fetch path from PoU on, else memory.
    /// </summary>
    public ulong PeekAtPoU(int agent, ulong pa, int size)
    {
        var a = AgentOf(agent);
        ulong line = pa >> CacheConfig.LineShift;
        int off = (int)pa & (L - 1);
        var attrs = MemoryAttributes.NormalWriteBackInnerShareable;
        var snoop = _idc ? a.FetchSnoopIdc : a.FetchSnoopNoIdc;
        // Dirty copies move down level by level, so the top-most dirty copy is the newest one.
        foreach (var c in snoop)
        {
            int i = c.Find(line);
            if (i >= 0 && c.Lines[i].State == LineState.Dirty) return ReadData(c, i * L + off, size);
        }
        for (int k = a.PouIndex; k < a.FetchPath.Length; k++)
        {
            var c = a.FetchPath[k];
            if (!Uses(c, attrs)) continue;
            int i = c.Find(line);
            if (i >= 0) return ReadData(c, i * L + off, size);
        }
        return PeekMemory(pa, size);
    }

    /// <summary>Number of caches holding the line of pa Dirty.</summary>
    public int DirtyCopies(ulong pa)
    {
        ulong line = pa >> CacheConfig.LineShift;
        int n = 0;
        foreach (var c in _topology.Caches)
        {
            int i = c.Find(line);
            if (i >= 0 && c.Lines[i].State == LineState.Dirty) n++;
        }
        return n;
    }

    /// <summary>
    /// A speculative clean fill through a cacheable alias: what a core may do at any time for any location it maps
    /// cacheable (prefetch, speculation). Never creates a dirty line. No effect for agents without caches.
    /// </summary>
    public void SpeculativeFill(int agent, ulong pa, MemoryAttributes attributes)
    {
        if (!attributes.IsCacheable) return;
        TryRead(agent, pa & ~(ulong)(L - 1), 1, AccessKind.Read, attributes, out _);
    }

    /// <summary>Evicts the line of pa from one cache (dirty data written back), as a capacity eviction would.</summary>
    public void Evict(Cache cache, ulong pa)
    {
        int i = cache.Find(pa >> CacheConfig.LineShift);
        if (i < 0) return;
        cache.Stats.Evictions++;
        Remove(cache, i, keepData: true, CacheEventKind.Eviction, -1);
    }

    /// <summary>Evicts the line of pa from every cache, top level first.</summary>
    public void EvictEverywhere(ulong pa)
    {
        foreach (var c in _topology.Caches.OrderBy(c => c.Level)) Evict(c, pa);
    }

    /// <summary>Writes back and invalidates every line of every cache (a whole-system flush, as firmware would do).</summary>
    public void FlushAll()
    {
        foreach (var c in _topology.Caches.OrderBy(c => c.Level))
            for (int i = 0; i < c.Lines.Length; i++)
                if (c.Tags[i] != Cache.InvalidTag) Remove(c, i, keepData: true, CacheEventKind.Invalidation, -1);
    }

    /// <summary>
    /// Bench entry point: <paramref name="count"/> 8-byte reads by CPU 0 cycling over <paramref name="footprint"/>
    /// bytes from <paramref name="pa"/> (Normal WB ISH). Returns a checksum so the work is not optimised away.
    /// </summary>
    public ulong RunL1HitLoop(ulong pa, int footprint, long count)
    {
        var attrs = MemoryAttributes.NormalWriteBackInnerShareable;
        ulong sum = 0;
        ulong mask = (ulong)footprint - 1;
        for (long n = 0; n < count; n++)
        {
            TryRead(0, pa + (((ulong)n * 8) & mask), 8, AccessKind.Read, attrs, out ulong v);
            sum += v;
        }
        return sum;
    }
}
