using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;

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
        if (!Model.TryRead(agent, Pa(word), 8, kind, Attrs(a), out ulong v)) throw new InvalidOperationException("read abort");
        return v;
    }

    public void Write(int agent, int word, Attr a, ulong value)
    {
        if (!Model.TryWrite(agent, Pa(word), 8, AccessKind.Write, Attrs(a), value)) throw new InvalidOperationException("write abort");
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
