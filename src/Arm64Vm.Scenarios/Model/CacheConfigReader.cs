using Arm64Vm.Memory.Caches;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>
/// The YAML shape of a cache hierarchy (<c>machine.caches</c> in a scenario, or the whole file of
/// <c>arm64vm run --cache-config FILE</c>) → <see cref="CacheConfig"/>. Omitted keys keep the built-in Cortex-A57-like
/// values; every cache uses 64-byte lines (the model's only line size).
/// </summary>
public static class CacheConfigReader
{
    private static readonly string[] Replacements = { "lru", "pseudo-random" };
    private static readonly string[] Inclusions = { "inclusive", "non-inclusive" };
    private static readonly string[] Points = { "l2", "system-cache", "memory" };
    private static readonly string[] NcHits = { "return-memory", "return-cached" };

    /// <summary>Reads a cache-config file (its root is the mapping <c>machine.caches</c> holds).</summary>
    public static CacheConfig LoadFile(string path, int cpus) => Read(YamlLoader.LoadFile(path), new NodeReader(), cpus);

    public static CacheConfig Read(YNode node, NodeReader r, int cpus)
    {
        var map = r.Mapping(node, "caches", ScenarioKeys.Caches);
        var c = CacheConfig.CortexA57(cpus);
        int clusters = map.Get("clusters") is { } cl ? r.Int(cl, "caches.clusters", 1, 8) : 1;
        int perCluster;
        if (map.Get("cpus-per-cluster") is { } pc) perCluster = r.Int(pc, "caches.cpus-per-cluster", 1, 8);
        else if (cpus % clusters == 0) perCluster = cpus / clusters;
        else throw NodeReader.Error(map, $"{cpus} CPUs do not divide into {clusters} clusters: give cpus-per-cluster");
        if (clusters * perCluster != cpus)
            throw NodeReader.Error(map, $"clusters × cpus-per-cluster = {clusters * perCluster}, but the machine has {cpus} CPUs");
        c = c with { Clusters = clusters, CpusPerCluster = perCluster };
        if (map.Get("l1d") is { } l1d) c = c with { L1D = Geometry(l1d, r, "l1d", c.L1D) };
        if (map.Get("l1i") is { } l1i) c = c with { L1I = Geometry(l1i, r, "l1i", c.L1I) };
        if (map.Get("l2") is { } l2) c = c with { L2 = Geometry(l2, r, "l2", c.L2) };
        if (map.Get("system-cache") is { } slc) c = c with { SystemCache = slc.IsNull ? null : Geometry(slc, r, "system-cache", null) };
        if (map.Get("l2-per-cluster") is { } lpc) c = c with { L2PerCluster = r.Bool(lpc, "caches.l2-per-cluster") };
        if (map.Get("l2-inclusion") is { } inc)
            c = c with { L2Inclusion = r.Word(inc, "caches.l2-inclusion", Inclusions) == "inclusive" ? InclusionPolicy.Inclusive : InclusionPolicy.NonInclusive };
        if (map.Get("point-of-unification") is { } pou)
            c = c with
            {
                PointOfUnification = r.Word(pou, "caches.point-of-unification", Points) switch
                {
                    "l2" => CachePoint.L2,
                    "system-cache" => CachePoint.SystemCache,
                    _ => CachePoint.Memory,
                },
            };
        if (map.Get("non-cacheable-hit") is { } nc)
            c = c with { NonCacheableHit = r.Word(nc, "caches.non-cacheable-hit", NcHits) == "return-cached" ? NonCacheableHitPolicy.ReturnCached : NonCacheableHitPolicy.ReturnMemory };
        try { c.Validate(); }
        catch (ArgumentException e) { throw NodeReader.Error(map, $"caches: {e.Message}"); }
        return c;
    }

    private static CacheGeometry Geometry(YNode node, NodeReader r, string name, CacheGeometry? defaults)
    {
        var map = r.Mapping(node, $"caches.{name}", ScenarioKeys.Cache);
        if (map.Get("line") is { } line && r.Number(line, $"caches.{name}.line") != (ulong)CacheConfig.LineSize)
            throw NodeReader.Error(line, $"caches.{name}.line: only {CacheConfig.LineSize}-byte lines are modelled");
        var sizeNode = defaults == null ? r.Required(map, "size", $"caches.{name}") : map.Get("size");
        var waysNode = defaults == null ? r.Required(map, "ways", $"caches.{name}") : map.Get("ways");
        int size = sizeNode != null ? (int)r.Size(sizeNode, $"caches.{name}.size", 64, 1UL << 30) : defaults!.SizeBytes;
        int ways = waysNode != null ? r.Int(waysNode, $"caches.{name}.ways", 1, 1024) : defaults!.Ways;
        var replacement = map.Get("replacement") is { } rep
            ? r.Word(rep, $"caches.{name}.replacement", Replacements) == "lru" ? ReplacementPolicy.Lru : ReplacementPolicy.PseudoRandom
            : defaults?.Replacement ?? ReplacementPolicy.Lru;
        var g = new CacheGeometry(size, ways, replacement);
        int sets = g.Sets(CacheConfig.LineSize);
        if (sets < 1 || sets * ways * CacheConfig.LineSize != size || (sets & (sets - 1)) != 0)
            throw NodeReader.Error(map, $"caches.{name}: {Scalars.FormatSize((ulong)size)} / {ways} ways is not a power-of-two number of {CacheConfig.LineSize}-byte sets");
        return g;
    }
}
