using Arm64Vm.Memory.Caches;
using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>
/// C10: the stale-read detector of a combination. On when an expectation names one of its figures
/// (<see cref="StaleReadMetrics"/>); with <c>cache-model: off</c> memory is flat and coherent, so every figure is 0.
/// </summary>
internal sealed partial class CombinationRun
{
    private StaleReadLog? _staleLog;
    private IReadOnlyList<GuestRegion>? _regions;

    private void StartStaleReadDetector()
    {
        _regions = GuestRegions.Of(_config.RunImage, _vmm.BootPlan);
        if (_config.DetectsStaleReads && _vmm.Machine.MemorySystem.Inspection is { } caches)
            _staleLog = caches.EnableStaleReadDetection();
    }

    /// <summary>The figures of <see cref="StaleReadMetrics"/> so far (all 0 with the detector off).</summary>
    private Dictionary<string, long> StaleMetrics()
    {
        var m = StaleReadMetrics.Names.ToDictionary(n => n, _ => 0L);
        if (_staleLog == null) return m;
        m[StaleReadMetrics.Reads] = _staleLog.Total;
        m[StaleReadMetrics.Pages] = _staleLog.Pages.Count;
        m[StaleReadMetrics.AroundDirty] = _staleLog.AroundDirty;
        foreach (var p in _staleLog.Pages.Values)
        {
            m[StaleReadMetrics.Fetches] += p.Fetches;
            m[StaleReadMetrics.RegionKey(GuestRegions.NameOf(_regions!, p.Page))] += p.Total;
        }
        return m;
    }

    /// <summary>
    /// The stale pages grouped by region, one line per region ("kernel-text: 3 page(s), 12 read(s) (5 fetch(es)):
    /// 0x40210000 (cpu0 fetch at PoC 0x40210004/4: 0x… instead of 0x…), …"), for the report.
    /// </summary>
    private List<string> StaleReport()
    {
        var lines = new List<string>();
        if (_staleLog == null) return lines;
        foreach (var g in _staleLog.Pages.Values.GroupBy(p => GuestRegions.NameOf(_regions!, p.Page))
                     .OrderBy(g => Array.IndexOf(StaleReadMetrics.Regions, g.Key)))
        {
            var pages = g.OrderBy(p => p.Page).ToList();
            string examples = string.Join(", ", pages.Take(8).Select(p => $"0x{p.Page:X} ({p.Total}: {p.First})"));
            lines.Add($"{g.Key}: {pages.Count} page(s), {pages.Sum(p => p.Total)} read(s) ({pages.Sum(p => p.Fetches)} fetch(es)): {examples}{(pages.Count > 8 ? ", …" : "")}");
        }
        foreach (var g in _staleLog.AroundDirtyPages.GroupBy(p => GuestRegions.NameOf(_regions!, p.Key))
                     .OrderBy(g => Array.IndexOf(StaleReadMetrics.Regions, g.Key)))
            lines.Add($"{g.Key}: {g.Count()} page(s), {g.Sum(p => p.Value)} read(s) at PoC around a newer dirty line that held the same bytes");
        return lines;
    }
}
