namespace Arm64Vm.Memory.Caches;

/// <summary>
/// Keeps <see cref="Ram"/>'s per-page count of lines held in any cache of a cache model: every fill adds one, every
/// invalidation or eviction removes one. A page with none may be read and written by Non-cacheable and Device
/// accesses straight in RAM (the TLB fast path), since no cache holds anything such an access could hit or disturb.
/// </summary>
internal sealed class CachedPages
{
    private readonly PhysicalMemoryMap _map;
    private Ram? _last;

    public CachedPages(PhysicalMemoryMap map) => _map = map;

    public void Add(ulong line) => RamOf(line)?.AddCachedLine(line << CacheConfig.LineShift);

    public void Remove(ulong line) => RamOf(line)?.RemoveCachedLine(line << CacheConfig.LineShift);

    private Ram? RamOf(ulong line)
    {
        ulong pa = line << CacheConfig.LineShift;
        var r = _last;
        if (r != null && r.Contains(pa)) return r;
        r = _map.FindRam(pa);
        if (r != null) _last = r;
        return r;
    }
}
