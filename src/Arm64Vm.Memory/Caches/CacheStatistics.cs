namespace Arm64Vm.Memory.Caches;

/// <summary>Counters of one cache instance.</summary>
public sealed class CacheLevelStatistics
{
    public long Hits;
    public long Misses;
    public long Evictions;
    /// <summary>Dirty lines written back (eviction, snoop, clean).</summary>
    public long WriteBacks;

    public void Reset() => Hits = Misses = Evictions = WriteBacks = 0;
}

/// <summary>Counters of one kind of cache maintenance operation.</summary>
public sealed class CacheMaintenanceStatistics
{
    public long Count;
    public long LinesCleaned;
    public long LinesInvalidated;
    public long DirtyBytesWrittenBack;

    public void Reset() => Count = LinesCleaned = LinesInvalidated = DirtyBytesWrittenBack = 0;
}

/// <summary>Per-cache and per-CMO counters of a <see cref="CacheMemorySystem"/> (serialised by --stats-json).</summary>
public sealed class CacheStatistics
{
    private readonly IReadOnlyList<Cache> _caches;

    internal CacheStatistics(IReadOnlyList<Cache> caches)
    {
        _caches = caches;
        Maintenance = new CacheMaintenanceStatistics[Enum.GetValues<CacheMaintenanceOp>().Length];
        for (int i = 0; i < Maintenance.Length; i++) Maintenance[i] = new CacheMaintenanceStatistics();
    }

    /// <summary>Indexed by <see cref="CacheMaintenanceOp"/>.</summary>
    public CacheMaintenanceStatistics[] Maintenance { get; }
    public CacheMaintenanceStatistics For(CacheMaintenanceOp op) => Maintenance[(int)op];

    /// <summary>Non-cacheable or Device reads that found the line in a cache of their path (mismatched attributes).</summary>
    public long NonCacheableHits;
    public long Barriers;

    private readonly List<IDirectAccessCounter> _direct = new();
    private long _ncReads, _ncWrites, _directReadsAtReset, _directWritesAtReset;

    /// <summary>Non-cacheable and Device reads: those the model served plus those CPUs performed directly in RAM.</summary>
    public long NonCacheableReads
    {
        get => _ncReads + DirectReads() - _directReadsAtReset;
        set => _ncReads = value - (DirectReads() - _directReadsAtReset);
    }

    /// <summary>Non-cacheable and Device writes, likewise.</summary>
    public long NonCacheableWrites
    {
        get => _ncWrites + DirectWrites() - _directWritesAtReset;
        set => _ncWrites = value - (DirectWrites() - _directWritesAtReset);
    }

    /// <summary>Counts the model's own Non-cacheable read (the hot path avoids the property's sums).</summary>
    internal void CountNonCacheableRead() => _ncReads++;

    internal void CountNonCacheableWrite() => _ncWrites++;

    internal void AddDirectCounter(IDirectAccessCounter counter)
    {
        // Counted from now on: what the CPU did before it was attached is not part of these statistics.
        _direct.Add(counter);
        _directReadsAtReset += counter.DirectReads;
        _directWritesAtReset += counter.DirectWrites;
    }

    private long DirectReads()
    {
        long n = 0;
        foreach (var c in _direct) n += c.DirectReads;
        return n;
    }

    private long DirectWrites()
    {
        long n = 0;
        foreach (var c in _direct) n += c.DirectWrites;
        return n;
    }

    public CacheLevelStatistics ForCache(string name) => _caches.First(c => c.Name == name).Stats;

    /// <summary>Totals for one level: "L1I", "L1D", "L2" or "SLC" (sums every instance of that level).</summary>
    public CacheLevelStatistics ForLevel(string level)
    {
        var sum = new CacheLevelStatistics();
        foreach (var c in _caches)
        {
            if (LevelName(c) != level) continue;
            sum.Hits += c.Stats.Hits; sum.Misses += c.Stats.Misses;
            sum.Evictions += c.Stats.Evictions; sum.WriteBacks += c.Stats.WriteBacks;
        }
        return sum;
    }

    public static string LevelName(Cache c) => c.Level switch
    {
        1 => c.Kind == CacheKind.Instruction ? "L1I" : "L1D",
        2 => "L2",
        _ => "SLC",
    };

    /// <summary>A flat name → value view for JSON output.</summary>
    public IReadOnlyDictionary<string, long> ToDictionary()
    {
        var d = new SortedDictionary<string, long>();
        foreach (var level in new[] { "L1I", "L1D", "L2", "SLC" })
        {
            var s = ForLevel(level);
            d[$"{level}.hits"] = s.Hits; d[$"{level}.misses"] = s.Misses;
            d[$"{level}.evictions"] = s.Evictions; d[$"{level}.writebacks"] = s.WriteBacks;
        }
        foreach (var op in Enum.GetValues<CacheMaintenanceOp>())
        {
            var m = For(op);
            d[$"cmo.{op}.count"] = m.Count; d[$"cmo.{op}.linesCleaned"] = m.LinesCleaned;
            d[$"cmo.{op}.linesInvalidated"] = m.LinesInvalidated; d[$"cmo.{op}.dirtyBytesWrittenBack"] = m.DirtyBytesWrittenBack;
        }
        d["nc.reads"] = NonCacheableReads; d["nc.writes"] = NonCacheableWrites; d["nc.cacheHits"] = NonCacheableHits;
        d["barriers"] = Barriers;
        return d;
    }

    public void Reset()
    {
        foreach (var c in _caches) c.Stats.Reset();
        foreach (var m in Maintenance) m.Reset();
        NonCacheableHits = Barriers = _ncReads = _ncWrites = 0;
        _directReadsAtReset = DirectReads();
        _directWritesAtReset = DirectWrites();
    }
}
