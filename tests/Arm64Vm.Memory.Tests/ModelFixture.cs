using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;

namespace Arm64Vm.Memory.Tests;

/// <summary>Attribute aliases the tests use for one physical location.</summary>
public enum Attr { WB, NC, Dev, WBNSH, WBAlias }

/// <summary>A small machine around a <see cref="CacheMemorySystem"/> with tiny caches, so evictions happen naturally.</summary>
public sealed class ModelFixture : IDisposable
{
    public const ulong RamBase = 0x4000_0000;
    public const int Lines = 6;
    public const int WordsPerLine = 2;
    public const int Words = Lines * WordsPerLine;
    public const int Host = MemoryAgents.Host;
    public const int Dma = MemoryAgents.CoherentDma;
    public const int DmaNc = MemoryAgents.NonCoherentDma;

    /// <summary>Agents that have caches (CPUs 0, 1 in cluster 0; CPUs 2, 3 in cluster 1; the host in cluster 0).</summary>
    public static readonly int[] CachedAgents = { 0, 1, 2, 3, Host };
    public static readonly int[] Cpus = { 0, 1, 2, 3 };

    /// <summary>2 clusters x 2 CPUs, L1D/L1I 256 B 2-way (2 sets), L2 512 B 4-way (2 sets) inclusive, SLC 1 KiB 4-way.</summary>
    public static CacheConfig Tiny(bool idc = false, bool dic = false, bool slc = true, ReplacementPolicy repl = ReplacementPolicy.Lru,
        NonCacheableHitPolicy nc = NonCacheableHitPolicy.ReturnMemory, InclusionPolicy incl = InclusionPolicy.Inclusive) => new()
        {
            Clusters = 2,
            CpusPerCluster = 2,
            L1I = new CacheGeometry(256, 2, repl),
            L1D = new CacheGeometry(256, 2, repl),
            L2 = new CacheGeometry(512, 4, repl),
            L2Inclusion = incl,
            SystemCache = slc ? new CacheGeometry(1024, 4, repl) : null,
            Idc = idc,
            Dic = dic,
            NonCacheableHit = nc,
        };

    /// <summary>
    /// The configuration space the invariant properties draw from (specs/coherence-invariants.md, "Configurations"):
    /// four CPUs as 2 clusters x 2 (L2 per cluster or one shared L2) or 1 cluster x 4; L1I/L1D of 256 B with 1, 2 or
    /// 4 ways; an L2 of 256 B to 1 KiB with 1 to 4 ways (so fewer ways and sets than the L1s above it, as well as
    /// more), inclusive or not; no system cache or one of 512 B / 1 KiB with 1 to 4 ways; the point of unification
    /// at every legal level (L2, the system cache when there is one, memory); LRU or pseudo-random replacement;
    /// with <paramref name="anyNcHitPolicy"/>, both non-cacheable hit policies (else the default, ReturnMemory: an
    /// "unexpected cache hit" is outside the documented protocols). IDC and DIC are the caller's (properties
    /// quantify over them explicitly).
    /// </summary>
    public static Gen<CacheConfig> Configs(bool idc, bool dic, bool anyNcHitPolicy = false) =>
        from twoClusters in Gen.Elements(true, false)
        from l2PerCluster in Gen.Elements(true, false)
        from l1iWays in Gen.Elements(1, 2, 4)
        from l1dWays in Gen.Elements(1, 2, 4)
        from l2 in Gen.Elements((256, 1), (512, 1), (512, 2), (512, 4), (1024, 4))
        from incl in Gen.Elements(InclusionPolicy.Inclusive, InclusionPolicy.NonInclusive)
        from slc in Gen.Elements<(int Size, int Ways)?>(null, (512, 1), (1024, 2), (1024, 4))
        from pou in Gen.Elements(slc == null ? new[] { CachePoint.L2, CachePoint.Memory } : new[] { CachePoint.L2, CachePoint.SystemCache, CachePoint.Memory })
        from repl in Gen.Elements(ReplacementPolicy.Lru, ReplacementPolicy.PseudoRandom)
        from nc in anyNcHitPolicy ? Gen.Elements(NonCacheableHitPolicy.ReturnMemory, NonCacheableHitPolicy.ReturnCached) : Gen.Constant(NonCacheableHitPolicy.ReturnMemory)
        from seed in Gen.Choose(0, int.MaxValue)
        select new CacheConfig
        {
            Clusters = twoClusters ? 2 : 1,
            CpusPerCluster = twoClusters ? 2 : 4,
            L2PerCluster = l2PerCluster,
            L1I = new CacheGeometry(256, l1iWays, repl),
            L1D = new CacheGeometry(256, l1dWays, repl),
            L2 = new CacheGeometry(l2.Item1, l2.Item2, repl),
            L2Inclusion = incl,
            SystemCache = slc == null ? null : new CacheGeometry(slc.Value.Size, slc.Value.Ways, repl),
            PointOfUnification = pou,
            Idc = idc,
            Dic = dic,
            NonCacheableHit = nc,
            Seed = (ulong)seed,
        };

    /// <summary>A configuration in one line (what a counterexample prints).</summary>
    public static string Describe(CacheConfig c) =>
        $"{c.Clusters}x{c.CpusPerCluster} CPUs, L1I {c.L1I.SizeBytes}B/{c.L1I.Ways}w, L1D {c.L1D.SizeBytes}B/{c.L1D.Ways}w, " +
        $"L2 {c.L2.SizeBytes}B/{c.L2.Ways}w {c.L2Inclusion}{(c.L2PerCluster ? " per cluster" : " shared")}, " +
        $"SLC {(c.SystemCache == null ? "none" : $"{c.SystemCache.SizeBytes}B/{c.SystemCache.Ways}w")}, PoU {c.PointOfUnification}, " +
        $"IDC={(c.Idc ? 1 : 0)} DIC={(c.Dic ? 1 : 0)}, {c.L1D.Replacement}, NC hit {c.NonCacheableHit}, seed {c.Seed}";

    public ModelFixture(CacheConfig? config = null)
    {
        Map = new PhysicalMemoryMap();
        Ram = Map.AddRam(RamBase, 64 * 1024);
        Model = new CacheMemorySystem(Map, config ?? Tiny());
    }

    public PhysicalMemoryMap Map { get; }
    public Ram Ram { get; }
    public CacheMemorySystem Model { get; }

    /// <summary>PA of word w (two 8-byte words per line, at offsets 0 and 8; lines alternate between the two sets).</summary>
    public static ulong Pa(int word) => RamBase + (ulong)(word / WordsPerLine) * 64 + (ulong)(word % WordsPerLine) * 8;
    public static ulong LinePa(int word) => Pa(word) & ~63UL;

    public static MemoryAttributes Attrs(Attr a) => a switch
    {
        Attr.WB => MemoryAttributes.NormalWriteBackInnerShareable,
        Attr.WBNSH => MemoryAttributes.Normal(Cacheability.WriteBack, Cacheability.WriteBack, Shareability.NonShareable),
        // Same type, cacheability and shareability as WB; only the allocation and transient hints differ.
        Attr.WBAlias => MemoryAttributes.Normal(Cacheability.WriteBack, Cacheability.WriteBack, Shareability.InnerShareable,
            innerRa: false, outerWa: false, innerTransient: true),
        Attr.NC => MemoryAttributes.Normal(Cacheability.NonCacheable, Cacheability.NonCacheable, Shareability.OuterShareable),
        _ => MemoryAttributes.DeviceNGnRnE,
    };

    public ulong Read(int agent, int word, Attr a, AccessKind kind = AccessKind.Read)
    {
        var lt = kind == AccessKind.Fetch ? null : Expect(agent, word, a);
        bool ok = Model.TryRead(agent, Pa(word), 8, kind, Attrs(a), out ulong v);
        if (lt != null) lt.PendingLine = LineTlb.NoLine;
        if (!ok) throw new InvalidOperationException("read abort");
        return v;
    }

    public void Write(int agent, int word, Attr a, ulong value)
    {
        var lt = Expect(agent, word, a);
        bool ok = Model.TryWrite(agent, Pa(word), 8, AccessKind.Write, Attrs(a), value);
        if (lt != null) lt.PendingLine = LineTlb.NoLine;
        if (!ok) throw new InvalidOperationException("write abort");
    }

    /// <summary>
    /// A CPU's data access expects its line's offer as the CPU's load and store paths do (LTLB-1), tagged with the PA's
    /// line for reads and writes (an identity map that grants both), so the line TLB takes what the model offers.
    /// </summary>
    private LineTlb? Expect(int agent, int word, Attr a)
    {
        var lt = Model.LineTlbOf(agent);
        ulong line = Pa(word) & ~(ulong)(CacheConfig.LineSize - 1);
        lt?.Expect(line >> CacheConfig.LineShift, line, line, Attrs(a));
        return lt;
    }

    public void Cmo(int agent, CacheMaintenanceOp op, int word, Attr a) => Model.MaintainByAddress(agent, op, Pa(word), Attrs(a));

    public static string AgentName(int agent) => agent switch
    {
        Host => "host",
        Dma => "dma",
        DmaNc => "dma-nc",
        _ => $"cpu{agent}",
    };

    public void Dispose() => Ram.Dispose();
}
