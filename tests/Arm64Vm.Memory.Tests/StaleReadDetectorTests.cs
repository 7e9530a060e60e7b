using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// C10, the stale-read detector (specs/coherence-invariants.md): off by default; when on, a CPU read is counted on its
/// 4 KiB page when it returns something other than the coherent value (the top-most dirty copy, else memory).
/// </summary>
public class StaleReadDetectorTests
{
    [Fact]
    public void C10_IsOffByDefault()
    {
        using var f = new ModelFixture(ModelFixture.Tiny());
        Assert.Null(f.Model.StaleReads);
    }

    [Fact]
    public void C10_ANonCacheableReadUnderADirtyLineIsStale()
    {
        using var f = new ModelFixture(ModelFixture.Tiny());
        var log = f.Model.EnableStaleReadDetection();
        f.Write(0, 3, Attr.WB, 0x1111);                       // dirty in CPU 0's L1D, memory still 0
        Assert.Equal(0UL, f.Read(1, 3, Attr.NC));             // the MMU-off read returns memory
        Assert.Equal(1, log.Total);
        var page = Assert.Single(log.Pages.Values);
        Assert.Equal(ModelFixture.RamBase, page.Page);
        Assert.Equal((1, 0UL, 0x1111UL, false), (page.First.Agent, page.First.Returned, page.First.Coherent, page.First.Cacheable));
        Assert.Equal(1, page.DataReads);
    }

    /// <summary>
    /// With the detector on, the CPUs' hit path looks lines up in an empty stand-in cache, so every write misses it; on a
    /// two-level path (no system cache, where SHORT-1 applies) the miss must still go to the real L1D.
    /// </summary>
    [Fact]
    public void C10_WriteMissesOnATwoLevelPathReachTheRealL1DWithTheDetectorOn()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(slc: false));
        var log = f.Model.EnableStaleReadDetection();
        for (int w = 0; w < ModelFixture.Words; w++) f.Write(0, w, Attr.WB, 0x100UL + (ulong)w);
        for (int w = 0; w < ModelFixture.Words; w++) Assert.Equal(0x100UL + (ulong)w, f.Read(0, w, Attr.WB));
        Assert.Equal(0, log.Total);
        Assert.True(f.Model.DataCacheOf(0, 1)!.Stats.WriteBacks > 0);
    }

    [Fact]
    public void C10_ACacheableHitOnACleanLineOlderThanMemoryIsStaleEvenOnTheL1HitPath()
    {
        using var f = new ModelFixture(ModelFixture.Tiny());
        var log = f.Model.EnableStaleReadDetection();
        Assert.Equal(0UL, f.Read(0, 5, Attr.WB));             // a clean copy in CPU 0's L1D
        f.Write(1, 5, Attr.NC, 0x2222);                       // memory changes under it
        Assert.Equal(0UL, f.Read(0, 5, Attr.WB));             // an L1 hit on the old clean line
        Assert.Equal(1, log.Total);
        Assert.True(log.Pages.Values.Single().First.Cacheable);
    }

    [Fact]
    public void C10_CoherentReadsAndHostReadsAreNotCounted()
    {
        using var f = new ModelFixture(ModelFixture.Tiny());
        var log = f.Model.EnableStaleReadDetection();
        f.Write(0, 1, Attr.WB, 0x33);
        Assert.Equal(0x33UL, f.Read(1, 1, Attr.WB));          // snooped: the newest value
        f.Write(ModelFixture.Host, 2, Attr.WB, 0x44);
        Assert.Equal(0UL, f.Read(ModelFixture.Host, 2, Attr.NC)); // stale, but the host is not a guest CPU
        f.Model.MaintainByAddress(0, CacheMaintenanceOp.DcCivac, ModelFixture.Pa(2), ModelFixture.Attrs(Attr.WB));
        Assert.Equal(0x44UL, f.Read(0, 2, Attr.NC));          // cleaned to PoC first: fresh
        Assert.Equal(0, log.Total);
    }
}
