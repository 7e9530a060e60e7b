namespace Arm64Vm.Memory.Caches;

/// <summary>Kinds of structured cache events.</summary>
public enum CacheEventKind : byte
{
    /// <summary>A line was allocated in a cache (Clean).</summary>
    Fill,
    /// <summary>A line left a cache to make room (WroteBack says whether it was dirty).</summary>
    Eviction,
    /// <summary>Dirty data moved from a cache towards memory (snoop, clean, eviction).</summary>
    WriteBack,
    /// <summary>A line was invalidated by maintenance, a snoop or back-invalidation (WroteBack if dirty data was saved; DataLost if discarded).</summary>
    Invalidation,
    /// <summary>A cache maintenance instruction completed (Op, Pa; LinesCleaned/LinesInvalidated/DirtyBytes).</summary>
    Maintenance,
    /// <summary>A non-cacheable or Device read found the line in a cache of its path.</summary>
    NonCacheableHit,
    /// <summary>A non-cacheable write went to memory while a cache holds the line (a later eviction may overwrite it).</summary>
    NonCacheableWriteUnderCachedLine,
}

/// <summary>One structured event of the cache model. Plain data: sinks may store it.</summary>
public readonly record struct CacheEvent(
    CacheEventKind Kind,
    int Agent,
    ulong Pa,
    string? Cache = null,
    CacheMaintenanceOp Op = default,
    bool WroteBack = false,
    bool DataLost = false,
    int LinesCleaned = 0,
    int LinesInvalidated = 0,
    int DirtyBytes = 0);

/// <summary>Receives structured events (the KVM-like host layer and scenarios assert on them).</summary>
public interface ICacheEventSink
{
    void OnCacheEvent(in CacheEvent e);
}

/// <summary>An event sink that keeps every event in a list (tests, scenarios).</summary>
public sealed class CacheEventLog : ICacheEventSink
{
    public List<CacheEvent> Events { get; } = new();
    public void OnCacheEvent(in CacheEvent e) => Events.Add(e);
    public void Clear() => Events.Clear();
}
