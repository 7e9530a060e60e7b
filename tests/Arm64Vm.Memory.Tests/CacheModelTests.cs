using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Memory.Tests;

/// <summary>Unit tests of the cache model: accesses, coherence, each maintenance operation, statistics, events.</summary>
public class CacheModelTests
{
    private const int Host = ModelFixture.Host;

    [Fact]
    public void CacheableWrite_StaysDirtyInL1_MemoryKeepsOldValue()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 0x1111);
        Assert.Equal(0x1111UL, f.Read(0, 0, Attr.WB));
        Assert.Equal(0UL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
        Assert.Equal(LineState.Dirty, f.Model.StateOf(f.Model.CacheNamed("L1D.0"), ModelFixture.Pa(0)));
    }

    [Fact]
    public void HostCacheableWrite_NonCacheableRead_IsStaleUntilCleanToPoC()
    {
        using var f = new ModelFixture();
        f.Write(Host, 0, Attr.WB, 0xCAFE);
        Assert.Equal(0UL, f.Read(0, 0, Attr.NC));          // memory still holds the old value
        Assert.Equal(0UL, f.Read(0, 0, Attr.Dev));
        f.Cmo(Host, CacheMaintenanceOp.DcCvac, 0, Attr.WB);
        Assert.Equal(0xCAFEUL, f.Read(0, 0, Attr.NC));
        Assert.Equal(LineState.Clean, f.Model.StateOf(f.Model.CacheNamed("L1D.host"), ModelFixture.Pa(0)));
    }

    [Fact]
    public void NonCacheableWrite_CachedReaderSeesStaleLineUntilInvalidate()
    {
        using var f = new ModelFixture();
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB));           // line now clean in cpu0's caches
        f.Write(1, 0, Attr.NC, 0xBEEF);
        Assert.Equal(0xBEEFUL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB));           // stale clean line
        f.Cmo(0, CacheMaintenanceOp.DcIvac, 0, Attr.WB);
        Assert.Equal(0xBEEFUL, f.Read(0, 0, Attr.WB));
    }

    [Fact]
    public void DirtyEviction_OverwritesEarlierNonCacheableWrite()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 0x1);                        // dirty in L1D.0
        f.Write(1, 0, Attr.NC, 0x2);                        // memory = 2
        Assert.Equal(0x2UL, f.Read(1, 0, Attr.NC));
        f.Model.EvictEverywhere(ModelFixture.Pa(0));        // the dirty line is written back over it
        Assert.Equal(0x1UL, f.Read(1, 0, Attr.NC));
    }

    [Fact]
    public void CleanAndInvalidateBeforeNonCacheableWrite_PreservesIt()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 0x1);
        f.Cmo(1, CacheMaintenanceOp.DcCivac, 0, Attr.NC);
        f.Write(1, 0, Attr.NC, 0x2);
        f.Model.EvictEverywhere(ModelFixture.Pa(0));
        Assert.Equal(0x2UL, f.Read(1, 0, Attr.NC));
        Assert.Empty(f.Model.Holders(ModelFixture.Pa(0)));
    }

    [Fact]
    public void NonCacheableRead_UnexpectedHitPolicy_ReturnsCachedValue()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(slc: false, nc: NonCacheableHitPolicy.ReturnCached));
        f.Write(0, 0, Attr.WB, 0x77);
        Assert.Equal(0x77UL, f.Read(0, 0, Attr.NC));        // hit on its own path
        Assert.Equal(0UL, f.Read(2, 0, Attr.NC));           // another cluster's path holds nothing: memory
        Assert.Equal(1, f.Model.Statistics.NonCacheableHits);
    }

    [Fact]
    public void NonCacheableAccesses_NeverAllocate()
    {
        using var f = new ModelFixture();
        f.Write(0, 3, Attr.NC, 5);
        f.Read(0, 3, Attr.NC);
        f.Read(0, 3, Attr.Dev);
        Assert.Empty(f.Model.Holders(ModelFixture.Pa(3)));
        Assert.Equal(5UL, f.Model.PeekMemory(ModelFixture.Pa(3), 8));
    }

    [Fact]
    public void CacheableTraffic_IsCoherentAcrossClustersAndHost()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 0xA);
        Assert.Equal(0xAUL, f.Read(2, 0, Attr.WB));         // other cluster snoops cpu0's dirty line
        f.Write(2, 1, Attr.WB, 0xB);                        // same line, other word
        Assert.Equal(0xBUL, f.Read(Host, 1, Attr.WB));
        Assert.Equal(0xAUL, f.Read(Host, 0, Attr.WB));
        f.Write(Host, 0, Attr.WB, 0xC);
        Assert.Equal(0xCUL, f.Read(1, 0, Attr.WB));
        Assert.Equal(0UL, f.Read(ModelFixture.DmaNc, 0, Attr.WB));   // non-coherent master sees memory (old)
        Assert.Equal(0xCUL, f.Read(ModelFixture.Dma, 0, Attr.WB));   // I/O-coherent master snoops
    }

    [Fact]
    public void NonShareableWrite_DoesNotSnoopOtherCpus()
    {
        using var f = new ModelFixture();
        Assert.Equal(0UL, f.Read(1, 0, Attr.WB));           // cpu1 holds a clean copy
        f.Write(0, 0, Attr.WBNSH, 0x5);                     // no snoop outside cpu0
        Assert.Equal(0UL, f.Read(1, 0, Attr.WB));           // cpu1's L1 hit: stale, as the architecture allows
        Assert.Equal(0x5UL, f.Read(0, 0, Attr.WBNSH));
    }

    [Fact]
    public void DcCivac_RemovesLineFromEveryCacheOfDomain_AndCleansIt()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 1);
        f.Read(2, 0, Attr.WB);
        f.Read(Host, 0, Attr.WB);
        f.Cmo(3, CacheMaintenanceOp.DcCivac, 0, Attr.WB);
        Assert.Empty(f.Model.Holders(ModelFixture.Pa(0)));
        Assert.Equal(1UL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
        var s = f.Model.Statistics.For(CacheMaintenanceOp.DcCivac);
        Assert.Equal(1, s.Count);
        Assert.True(s.LinesInvalidated >= 3);
        Assert.True(s.DirtyBytesWrittenBack >= 64);
    }

    [Fact]
    public void DcIvac_DiscardsDirtyData()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 1);
        f.Cmo(0, CacheMaintenanceOp.DcIvac, 0, Attr.WB);
        Assert.Empty(f.Model.Holders(ModelFixture.Pa(0)));
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB));
        Assert.Equal(0, f.Model.Statistics.For(CacheMaintenanceOp.DcIvac).DirtyBytesWrittenBack);
    }

    [Fact]
    public void DcCvac_KeepsLinesCleanInCaches()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 9);
        f.Cmo(0, CacheMaintenanceOp.DcCvap, 0, Attr.WB);    // CVAP is performed as CVAC
        Assert.Equal(9UL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
        Assert.Equal(0, f.Model.DirtyCopies(ModelFixture.Pa(0)));
        Assert.Contains(f.Model.CacheNamed("L1D.0"), f.Model.Holders(ModelFixture.Pa(0)));
    }

    [Fact]
    public void DcCvau_CleansToL2_NotToMemory()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 3);
        f.Cmo(0, CacheMaintenanceOp.DcCvau, 0, Attr.WB);
        Assert.Equal(LineState.Clean, f.Model.StateOf(f.Model.CacheNamed("L1D.0"), ModelFixture.Pa(0)));
        Assert.Equal(LineState.Dirty, f.Model.StateOf(f.Model.CacheNamed("L2.0"), ModelFixture.Pa(0)));
        Assert.Equal(0UL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
    }

    [Fact]
    public void DcZva_ZeroesTheBlockCoherently()
    {
        using var f = new ModelFixture();
        f.Write(Host, 0, Attr.WB, 0xFF);
        f.Write(Host, 1, Attr.WB, 0xFF);
        Assert.True(f.Model.ZeroBlock(2, ModelFixture.LinePa(0), 64, ModelFixture.Attrs(Attr.WB)));
        Assert.Equal(0UL, f.Read(Host, 0, Attr.WB));
        Assert.Equal(0UL, f.Read(0, 1, Attr.WB));
        Assert.Equal(1, f.Model.Statistics.For(CacheMaintenanceOp.DcZva).Count);
    }

    [Fact]
    public void SetWay_ActsOnlyOnTheExecutingCpusCacheAtTheNamedLevel()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 1);                           // line 0 -> set 0 of L1D.0
        f.Read(1, 2, Attr.WB);                               // line 1 in cpu1
        var l1 = f.Model.CacheNamed("L1D.0");
        int way = Enumerable.Range(0, l1.Ways).First(w => l1.Tags[w] == ModelFixture.Pa(0) >> 6);
        f.Model.MaintainBySetWay(1, CacheMaintenanceOp.DcCisw, 1, 0, way);   // cpu1's own L1: no effect on cpu0
        Assert.Equal(LineState.Dirty, f.Model.StateOf(l1, ModelFixture.Pa(0)));
        f.Model.MaintainBySetWay(0, CacheMaintenanceOp.DcCisw, 1, 0, way);
        Assert.Equal(LineState.Invalid, f.Model.StateOf(l1, ModelFixture.Pa(0)));
        Assert.Equal(LineState.Dirty, f.Model.StateOf(f.Model.CacheNamed("L2.0"), ModelFixture.Pa(0)));   // pushed one level only
        Assert.Equal(0UL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
        Assert.Equal(LineState.Clean, f.Model.StateOf(f.Model.CacheNamed("L1D.1"), ModelFixture.Pa(2)));
    }

    [Fact]
    public void SetWay_Isw_DiscardsDirtyLine_Csw_KeepsItClean()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(slc: false));
        f.Write(0, 0, Attr.WB, 1);
        var l2 = f.Model.CacheNamed("L2.0");
        var l1 = f.Model.CacheNamed("L1D.0");
        int way = Enumerable.Range(0, l1.Ways).First(w => l1.Tags[w] == ModelFixture.Pa(0) >> 6);
        f.Model.MaintainBySetWay(0, CacheMaintenanceOp.DcCsw, 1, 0, way);
        Assert.Equal(LineState.Clean, f.Model.StateOf(l1, ModelFixture.Pa(0)));
        int l2way = Enumerable.Range(0, l2.Ways).First(w => l2.Tags[w] == ModelFixture.Pa(0) >> 6);
        f.Model.MaintainBySetWay(0, CacheMaintenanceOp.DcIsw, 2, 0, l2way);    // the newest copy was in L2: lost
        Assert.Equal(LineState.Invalid, f.Model.StateOf(l2, ModelFixture.Pa(0)));
        f.Model.EvictEverywhere(ModelFixture.Pa(0));
        Assert.Equal(0UL, f.Model.PeekMemory(ModelFixture.Pa(0), 8));
    }

    [Fact]
    public void InstructionCache_WithoutDic_KeepsStaleLineUntilIcIvau()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(idc: false, dic: false));
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));           // L1I.0 now holds the old code
        f.Write(0, 0, Attr.WB, 0xD503201F);
        f.Cmo(0, CacheMaintenanceOp.DcCvau, 0, Attr.WB);
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));           // stale until invalidated
        Assert.Equal(0xD503201FUL, f.Read(1, 0, Attr.WB, AccessKind.Fetch));  // cpu1 fills from PoU: new
        f.Cmo(2, CacheMaintenanceOp.IcIvau, 0, Attr.WB);                      // broadcast to the inner domain
        Assert.Equal(0xD503201FUL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));
    }

    [Fact]
    public void InstructionFill_WithoutIdc_MissesDataNotCleanedToPoU()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(idc: false, dic: false));
        f.Write(0, 0, Attr.WB, 0x1234);
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));           // dirty in L1D, not at PoU
        using var g = new ModelFixture(ModelFixture.Tiny(idc: true, dic: false));
        g.Write(0, 0, Attr.WB, 0x1234);
        Assert.Equal(0x1234UL, g.Read(0, 0, Attr.WB, AccessKind.Fetch));      // IDC: visible at PoU
    }

    /// <summary>
    /// C8 with PoU at the system cache: the L2 is a unified level before PoU on the fetch path itself. With IDC=1 a
    /// fill must still see data that sits dirty there (the host's write evicted from its L1D into the L2; cpu0's own
    /// write pushed down from its L1D by the snoop), not the older value at the system cache or in memory. With
    /// IDC=0 the same fill misses it until DC CVAU cleans it to PoU.
    /// </summary>
    [Theory]
    [InlineData(ModelFixture.Host)]
    [InlineData(0)]
    public void InstructionFill_PoUAtSystemCacheWithIdc_SeesDataDirtyInTheL2OfItsOwnPath(int writer)
    {
        var config = ModelFixture.Tiny(idc: true) with { PointOfUnification = CachePoint.SystemCache };
        using var f = new ModelFixture(config);
        f.Write(writer, 0, Attr.WB, 0xD503201F);
        if (writer == ModelFixture.Host) f.Model.Evict(f.Model.CacheNamed("L1D.host"), ModelFixture.Pa(0));
        Assert.Equal(0xD503201FUL, f.Read(1, 0, Attr.WB, AccessKind.Fetch));
        Assert.Equal(0xD503201FUL, f.Model.PeekAtPoU(2, ModelFixture.Pa(0), 8));

        using var g = new ModelFixture(config with { Idc = false });
        g.Write(writer, 0, Attr.WB, 0xD503201F);
        if (writer == ModelFixture.Host) g.Model.Evict(g.Model.CacheNamed("L1D.host"), ModelFixture.Pa(0));
        Assert.Equal(0UL, g.Read(1, 0, Attr.WB, AccessKind.Fetch));              // above PoU, not cleaned: old
        g.Cmo(writer, CacheMaintenanceOp.DcCvau, 0, Attr.WB);
        Assert.Equal(0xD503201FUL, g.Read(2, 0, Attr.WB, AccessKind.Fetch));     // cpu2's L1I never held it
    }

    [Fact]
    public void InstructionSide_WithDic_SeesEveryPoUChange()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(idc: false, dic: true));
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));
        f.Write(0, 0, Attr.WB, 0x42);
        Assert.Equal(0UL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));           // not yet at PoU (IDC = 0)
        f.Cmo(0, CacheMaintenanceOp.DcCvau, 0, Attr.WB);
        Assert.Equal(0x42UL, f.Read(0, 0, Attr.WB, AccessKind.Fetch));        // no IC IVAU needed
    }

    [Fact]
    public void IcIallu_IsLocal_IcIalluis_Broadcasts()
    {
        using var f = new ModelFixture();
        foreach (int cpu in ModelFixture.Cpus) f.Read(cpu, 0, Attr.WB, AccessKind.Fetch);
        f.Model.InvalidateInstructionCaches(0, broadcast: false);
        Assert.Equal(0, f.Model.InstructionCacheOf(0)!.ValidLines());
        Assert.Equal(1, f.Model.InstructionCacheOf(1)!.ValidLines());
        f.Model.InvalidateInstructionCaches(0, broadcast: true);
        Assert.All(ModelFixture.Cpus, c => Assert.Equal(0, f.Model.InstructionCacheOf(c)!.ValidLines()));
        Assert.Equal(4, f.Model.Statistics.For(CacheMaintenanceOp.IcIalluis).LinesInvalidated + f.Model.Statistics.For(CacheMaintenanceOp.IcIallu).LinesInvalidated);
    }

    [Fact]
    public void InstructionObserver_IsToldWhenItsL1ILineLeaves()
    {
        using var f = new ModelFixture();
        var seen = new List<ulong>();
        f.Model.AttachInstructionObserver(0, (pa, len) => seen.Add(pa));
        f.Read(0, 0, Attr.WB, AccessKind.Fetch);   // line 0, set 0
        f.Read(0, 4, Attr.WB, AccessKind.Fetch);   // line 2, set 0
        Assert.Empty(seen);
        f.Read(0, 8, Attr.WB, AccessKind.Fetch);   // line 4, set 0: evicts line 0 (LRU)
        Assert.Equal(new[] { ModelFixture.LinePa(0) }, seen);
        f.Cmo(1, CacheMaintenanceOp.IcIvau, 4, Attr.WB);
        Assert.Equal(new[] { ModelFixture.LinePa(0), ModelFixture.LinePa(4) }, seen);
    }

    [Fact]
    public void Statistics_CountHitsMissesEvictionsAndWriteBacks()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(slc: false));
        f.Read(0, 0, Attr.WB);      // miss L1, miss L2
        f.Read(0, 0, Attr.WB);      // hit L1
        f.Write(0, 0, Attr.WB, 1);  // hit L1 (unique)
        f.Read(0, 4, Attr.WB);      // set 0, second way
        f.Read(0, 8, Attr.WB);      // set 0: evicts line 0 (dirty) from L1D
        var s = f.Model.Statistics;
        Assert.Equal(2, s.ForLevel("L1D").Hits);
        Assert.Equal(3, s.ForLevel("L1D").Misses);
        Assert.Equal(1, s.ForLevel("L1D").Evictions);
        Assert.Equal(1, s.ForLevel("L1D").WriteBacks);
        Assert.Equal(3, s.ForLevel("L2").Misses);
        Assert.Equal(1L, s.ToDictionary()["L1D.evictions"]);
    }

    [Fact]
    public void Events_ReportMaintenanceAndMismatchedHits()
    {
        using var f = new ModelFixture();
        var log = new CacheEventLog();
        f.Model.EventSink = log;
        f.Write(Host, 0, Attr.WB, 1);
        f.Read(Host, 0, Attr.NC);
        f.Write(1, 0, Attr.NC, 2);
        f.Cmo(Host, CacheMaintenanceOp.DcCivac, 0, Attr.WB);
        Assert.Contains(log.Events, e => e.Kind == CacheEventKind.NonCacheableHit && e.Agent == Host);
        Assert.Contains(log.Events, e => e.Kind == CacheEventKind.NonCacheableWriteUnderCachedLine && e.Agent == 1);
        var cmo = Assert.Single(log.Events, e => e.Kind == CacheEventKind.Maintenance);
        Assert.Equal(CacheMaintenanceOp.DcCivac, cmo.Op);
        Assert.Equal(1, cmo.LinesCleaned);
        Assert.Equal(64, cmo.DirtyBytes);
    }

    [Fact]
    public void PseudoRandomReplacement_IsDeterministicForASeed()
    {
        string Run()
        {
            using var f = new ModelFixture(ModelFixture.Tiny(repl: ReplacementPolicy.PseudoRandom));
            for (int i = 0; i < 200; i++) f.Read(i % 4, (i * 7) % ModelFixture.Words, Attr.WB);
            return string.Join(",", f.Model.AllCaches.SelectMany(c => c.Tags));
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void NonInclusiveL2_KeepsL1LinesWhenItEvicts()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(slc: false, incl: InclusionPolicy.NonInclusive));
        f.Write(0, 0, Attr.WB, 1);
        f.Model.Evict(f.Model.CacheNamed("L2.0"), ModelFixture.Pa(0));
        Assert.Equal(LineState.Dirty, f.Model.StateOf(f.Model.CacheNamed("L1D.0"), ModelFixture.Pa(0)));
        using var g = new ModelFixture(ModelFixture.Tiny(slc: false, incl: InclusionPolicy.Inclusive));
        g.Write(0, 0, Attr.WB, 1);
        g.Model.Evict(g.Model.CacheNamed("L2.0"), ModelFixture.Pa(0));
        Assert.Equal(LineState.Invalid, g.Model.StateOf(g.Model.CacheNamed("L1D.0"), ModelFixture.Pa(0)));
        Assert.Equal(1UL, g.Model.PeekMemory(ModelFixture.Pa(0), 8));    // back-invalidation kept the data
    }

    [Fact]
    public void UnalignedAccessAcrossLines_IsSplitAndCoherent()
    {
        using var f = new ModelFixture();
        ulong pa = ModelFixture.RamBase + 60;
        Assert.True(f.Model.TryWrite(0, pa, 8, AccessKind.Write, ModelFixture.Attrs(Attr.WB), 0x0102030405060708));
        Assert.True(f.Model.TryRead(2, pa, 8, AccessKind.Read, ModelFixture.Attrs(Attr.WB), out ulong v));
        Assert.Equal(0x0102030405060708UL, v);
    }

    [Fact]
    public void NonCacheableWalk_ReadsPoC_CacheableWalkSeesCachedTables()
    {
        using var f = new ModelFixture();
        f.Write(0, 0, Attr.WB, 0x403);   // a descriptor written with caches on, not cleaned
        Assert.True(f.Model.TryRead(0, ModelFixture.Pa(0), 8, AccessKind.Walk, ModelFixture.Attrs(Attr.NC), out ulong nc));
        Assert.True(f.Model.TryRead(0, ModelFixture.Pa(0), 8, AccessKind.Walk, ModelFixture.Attrs(Attr.WB), out ulong wb));
        Assert.Equal(0UL, nc);
        Assert.Equal(0x403UL, wb);
    }

    [Fact]
    public void Config_Validation_RejectsImpossibleGeometry()
    {
        Assert.Throws<ArgumentException>(() => new CacheMemorySystem(new PhysicalMemoryMap(), CacheConfig.CortexA57() with { L1D = new CacheGeometry(3000, 2) }));
        Assert.Throws<ArgumentException>(() => new CacheMemorySystem(new PhysicalMemoryMap(), CacheConfig.CortexA57() with { PointOfUnification = CachePoint.SystemCache }));
        Assert.Throws<ArgumentException>(() => new CacheMemorySystem(new PhysicalMemoryMap(), CacheConfig.CortexA57() with { InnerDomains = new[] { new[] { 0, 0 } } }));
    }

    [Fact]
    public void DefaultConfiguration_IsACortexA57Cluster()
    {
        var m = new CacheMemorySystem(new PhysicalMemoryMap());
        Assert.Equal(256, m.CacheNamed("L1D.0").Sets);
        Assert.Equal(2, m.CacheNamed("L1D.0").Ways);
        Assert.Equal(256, m.CacheNamed("L1I.3").Sets);
        Assert.Equal(3, m.CacheNamed("L1I.3").Ways);
        Assert.Equal(2048, m.CacheNamed("L2").Sets);
        Assert.Equal(16, m.CacheNamed("L2").Ways);
    }

    [Fact]
    public void MmioAndUnmappedAddresses_AreNotCached()
    {
        using var f = new ModelFixture();
        Assert.False(f.Model.TryRead(0, 0x1000, 8, AccessKind.Read, ModelFixture.Attrs(Attr.WB), out _));
        f.Model.MaintainByAddress(0, CacheMaintenanceOp.DcCivac, 0x1000, ModelFixture.Attrs(Attr.WB));   // no effect, no throw
        Assert.Equal(1, f.Model.Statistics.For(CacheMaintenanceOp.DcCivac).Count);
    }

    [Fact]
    public void Lru_RepeatedHitsKeepOrder_AndARefillOfTheLastTouchedWayIsMostRecent()
    {
        // Words 0, 4, 8 are lines 0, 2, 4: all in set 0 of the 2-way L1D. Touch skips the stamp of the line touched
        // last, so this checks the order it keeps is the order of use, including for a way refilled after that line left.
        using var f = new ModelFixture();
        var l1 = f.Model.CacheNamed("L1D.0");
        bool Holds(int word) => f.Model.StateOf(l1, ModelFixture.Pa(word)) != LineState.Invalid;
        f.Read(0, 0, Attr.WB);
        f.Read(0, 4, Attr.WB);
        for (int k = 0; k < 3; k++) f.Read(0, 0, Attr.WB);   // line 0 most recent (hit after hit)
        f.Read(0, 8, Attr.WB);                               // evicts line 2, the least recently used
        Assert.True(Holds(0) && Holds(8) && !Holds(4));
        f.Read(0, 8, Attr.WB);                               // line 4 is touched last
        f.Cmo(0, CacheMaintenanceOp.DcIvac, 8, Attr.WB);     // and leaves; its way is free
        f.Read(0, 4, Attr.WB);                               // line 2 fills that way: now the most recent
        f.Read(0, 8, Attr.WB);                               // so line 0 is the victim
        Assert.True(Holds(4) && Holds(8) && !Holds(0));
    }
}
