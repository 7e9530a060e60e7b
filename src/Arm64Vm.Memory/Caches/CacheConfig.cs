namespace Arm64Vm.Memory.Caches;

/// <summary>How a cache picks the victim way of a full set.</summary>
public enum ReplacementPolicy : byte
{
    /// <summary>Least recently used.</summary>
    Lru,
    /// <summary>Pseudo-random from a seeded generator: the same seed gives the same victims.</summary>
    PseudoRandom,
}

/// <summary>Whether a lower cache holds everything the caches above it hold.</summary>
public enum InclusionPolicy : byte
{
    /// <summary>Inclusive: evicting a line here first removes it (writing back dirty data) from the caches above.</summary>
    Inclusive,
    /// <summary>Non-inclusive, non-exclusive: fills allocate here too, but evictions leave the caches above alone.</summary>
    NonInclusive,
}

/// <summary>Where a point of unification or coherency lies.</summary>
public enum CachePoint : byte
{
    /// <summary>At the L2 caches (the first unified level).</summary>
    L2 = 2,
    /// <summary>At the system cache (needs <see cref="CacheConfig.SystemCache"/>).</summary>
    SystemCache = 3,
    /// <summary>At memory: every cache level lies before it.</summary>
    Memory = 4,
}

/// <summary>What a non-cacheable read that finds the line in a cache of its path returns.</summary>
public enum NonCacheableHitPolicy : byte
{
    /// <summary>The value in memory (PoC); the cached copy is ignored (default; most cores).</summary>
    ReturnMemory,
    /// <summary>The cached value ("unexpected cache hit", as some cores document).</summary>
    ReturnCached,
}

/// <summary>Geometry of one cache: size, associativity and replacement. The line size is the hierarchy's.</summary>
public sealed record CacheGeometry(int SizeBytes, int Ways, ReplacementPolicy Replacement = ReplacementPolicy.Lru)
{
    public int Sets(int lineSize) => SizeBytes / (Ways * lineSize);
}

/// <summary>
/// The configured hierarchy: clusters of CPUs, per-CPU L1I/L1D, L2 per cluster or one for the system, an optional
/// system cache, the points of unification and coherency, the shareability domains and the policies. The ID
/// registers (CTR_EL0, CLIDR_EL1, CCSIDR_EL1) are generated from this, so the guest sees what is modelled.
/// </summary>
public sealed record CacheConfig
{
    /// <summary>Line size in bytes (64: every cache of the hierarchy uses the same line).</summary>
    public const int LineSize = 64;
    public const int LineShift = 6;

    public int Clusters { get; init; } = 1;
    public int CpusPerCluster { get; init; } = 4;
    public CacheGeometry L1I { get; init; } = new(48 * 1024, 3);
    public CacheGeometry L1D { get; init; } = new(32 * 1024, 2);
    public CacheGeometry L2 { get; init; } = new(2 * 1024 * 1024, 16);
    /// <summary>True: one L2 per cluster (Cortex-A57); false: one L2 shared by every cluster.</summary>
    public bool L2PerCluster { get; init; } = true;
    public InclusionPolicy L2Inclusion { get; init; } = InclusionPolicy.Inclusive;
    /// <summary>Optional system (last-level) cache before PoC, shared by everyone and looked up with the outer attributes. Not reported in CLIDR_EL1.</summary>
    public CacheGeometry? SystemCache { get; init; }
    public CachePoint PointOfUnification { get; init; } = CachePoint.L2;
    public CachePoint PointOfCoherency { get; init; } = CachePoint.Memory;
    /// <summary>CTR_EL0.IDC: data writes are visible to instruction fetches at PoU without DC CVAU.</summary>
    public bool Idc { get; init; }
    /// <summary>CTR_EL0.DIC: the instruction caches are coherent with PoU: no IC IVAU needed.</summary>
    public bool Dic { get; init; }
    public NonCacheableHitPolicy NonCacheableHit { get; init; } = NonCacheableHitPolicy.ReturnMemory;
    /// <summary>Inner shareable domains as sets of cluster indices; null = every cluster in one domain (what Linux assumes).</summary>
    public IReadOnlyList<int[]>? InnerDomains { get; init; }
    /// <summary>Cluster whose L2 the host agent's private L1D sits above.</summary>
    public int HostCluster { get; init; }
    /// <summary>Seed of the pseudo-random replacement generators.</summary>
    public ulong Seed { get; init; } = 0x9E37_79B9_7F4A_7C15;

    public int CpuCount => Clusters * CpusPerCluster;

    /// <summary>A Cortex-A57 style cluster: L1D 32 KiB 2-way, L1I 48 KiB 3-way, L2 2 MiB 16-way inclusive, 64-byte lines.</summary>
    public static CacheConfig CortexA57(int cpus = 4) => new() { Clusters = 1, CpusPerCluster = cpus };

    /// <summary>Throws when the configuration cannot be modelled.</summary>
    public void Validate()
    {
        if (Clusters < 1 || CpusPerCluster < 1) throw new ArgumentException("need at least one cluster of one CPU");
        foreach (var (name, g) in new[] { ("L1I", L1I), ("L1D", L1D), ("L2", L2), ("system cache", SystemCache) })
        {
            if (g == null) continue;
            int sets = g.Ways > 0 ? g.Sets(LineSize) : 0;
            if (g.Ways < 1 || sets < 1 || sets * g.Ways * LineSize != g.SizeBytes || (sets & (sets - 1)) != 0)
                throw new ArgumentException($"{name}: {g.SizeBytes} bytes / {g.Ways} ways is not a power-of-two number of {LineSize}-byte sets");
            if (g.Ways > 1024 || sets > 32768) throw new ArgumentException($"{name}: too large for CCSIDR_EL1");
        }
        if (SystemCache == null && (PointOfUnification == CachePoint.SystemCache || PointOfCoherency == CachePoint.SystemCache))
            throw new ArgumentException("a point at the system cache needs a system cache");
        if (PointOfCoherency != CachePoint.Memory)
            throw new ArgumentException("only PoC = memory is modelled (specs/deviations.md)");
        if (HostCluster < 0 || HostCluster >= Clusters) throw new ArgumentException("host cluster out of range");
        if (InnerDomains != null)
        {
            var seen = new HashSet<int>();
            foreach (var d in InnerDomains)
                foreach (int c in d)
                    if (c < 0 || c >= Clusters || !seen.Add(c)) throw new ArgumentException($"inner domains: cluster {c} invalid or repeated");
            if (seen.Count != Clusters) throw new ArgumentException("inner domains must cover every cluster");
        }
    }
}
