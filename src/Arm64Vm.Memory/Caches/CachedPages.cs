using System.Runtime.CompilerServices;

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
    /// <summary>The last region's base, size (0 while there is none) and count array: the inline paths' copy of it.</summary>
    private ulong _base, _size;
    private int[] _counts = Array.Empty<int>();

    public CachedPages(PhysicalMemoryMap map) => _map = map;

    /// <summary>
    /// A cache filled a line. Inline when the page of the last region already has a cached line (the count only
    /// grows: no TLB entry to drop); the first line of a page, or another region, goes through <see cref="Ram"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong line)
    {
        ulong off = (line << CacheConfig.LineShift) - _base;
        if (off < _size)
        {
            ref int n = ref _counts[(int)(off >> Ram.PageShift)];
            if (n != 0) { n++; return; }
        }
        AddSlow(line);
    }

    /// <summary>A cache dropped a line (inline for the last region).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(ulong line)
    {
        ulong off = (line << CacheConfig.LineShift) - _base;
        if (off < _size) { _counts[(int)(off >> Ram.PageShift)]--; return; }
        RemoveSlow(line);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddSlow(ulong line) => RamOf(line)?.AddCachedLine(line << CacheConfig.LineShift);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RemoveSlow(ulong line) => RamOf(line)?.RemoveCachedLine(line << CacheConfig.LineShift);

    private Ram? RamOf(ulong line)
    {
        ulong pa = line << CacheConfig.LineShift;
        var r = _last;
        if (r != null && r.Contains(pa)) return r;
        r = _map.FindRam(pa);
        if (r != null)
        {
            _last = r;
            _base = r.BasePa;
            _size = r.Size;
            _counts = r.CachedLineCounts;
        }
        return r;
    }
}
