namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// C10: the stale-read detector's figures as expectation keys (cumulative for the combination, like the host counters):
/// every stale read, the pages they hit, and the stale reads per region of guest RAM (Running.GuestRegions).
/// </summary>
public static class StaleReadMetrics
{
    public const string Reads = "stale-reads";
    public const string Pages = "stale-pages";
    public const string Fetches = "stale-fetches";
    /// <summary>Reads at PoC that went around a newer dirty line and returned the same bytes (StaleReadLog.AroundDirty).</summary>
    public const string AroundDirty = "reads-around-dirty";

    /// <summary>Regions a stale page is attributed to, in report order.</summary>
    public static readonly string[] Regions = { "kernel-text", "kernel-data", "kernel-bss", "image", "initrd", "dtb", "other" };

    public static string RegionKey(string region) => $"stale-reads-{region}";

    public static IReadOnlyList<string> Names { get; } =
        new[] { Reads, Pages, Fetches, AroundDirty }.Concat(Regions.Select(RegionKey)).ToArray();
}
