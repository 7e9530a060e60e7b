using Arm64Vm.Memory.Caches;
using Xunit;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// The line TLB's side of an offer (LTLB-1, LTLB-3, specs/coherence-invariants.md): the model offers a line at the end
/// of a CPU's access, and the line TLB takes it only for the request its CPU said it expects, with that request's tags.
/// The CPU's side (which tags it gives) is LineTlbPropertyTests' (tests/Arm64Vm.Cpu.Tests).
/// </summary>
public class LineTlbOfferTests
{
    private static readonly MemoryAttributes Wb = MemoryAttributes.NormalWriteBackInnerShareable;
    private static readonly MemoryAttributes Wt =
        MemoryAttributes.Normal(Cacheability.WriteThrough, Cacheability.WriteThrough, Shareability.InnerShareable);

    /// <summary>Two lines of different slots and sets, and the VA lines the tests map them at (same page offsets).</summary>
    private const ulong A = ModelFixture.RamBase, B = ModelFixture.RamBase + 0x40;
    private const ulong VaA = 0x7000_0000, VaB = 0x7000_0040;

    /// <summary>One CPU, an L1D of 64 sets (one set per slot) over an L2.</summary>
    private static CacheConfig Config(bool dic = false) => new()
    {
        Clusters = 1,
        CpusPerCluster = 1,
        L1I = new CacheGeometry(8192, 2),
        L1D = new CacheGeometry(8192, 2),
        L2 = new CacheGeometry(65536, 4),
        SystemCache = null,
        Dic = dic,
    };

    private static void Read(ModelFixture f, ulong pa, MemoryAttributes attrs) =>
        Assert.True(f.Model.TryRead(0, pa, 8, AccessKind.Read, attrs, out _));

    private static void Write(ModelFixture f, ulong pa, MemoryAttributes attrs) =>
        Assert.True(f.Model.TryWrite(0, pa, 8, AccessKind.Write, attrs, 0x1234));

    /// <summary>
    /// LTLB-6: the CPU's inline paths try the line TLB first only while it may hit. It may not before any offer is
    /// taken (an offer nobody expects takes nothing) and after a forget, when every entry is clear; it may once an
    /// expected offer has been taken, even after that entry alone is forgotten (a slot taken since the last forget).
    /// </summary>
    [Fact]
    public void LTLB6_TheLineTlbMayHitOnlyAfterATakenOffer_UntilItIsForgotten()
    {
        using var f = new ModelFixture(Config());
        var lt = f.Model.LineTlbOf(0)!;
        Assert.False(lt.MayHit);
        Read(f, A, Wb);                                      // offered, not expected: not taken
        Assert.False(lt.MayHit);
        lt.Expect(B >> CacheConfig.LineShift, VaB, VaB, Wb);
        Read(f, B, Wb);
        Assert.True(lt.MayHit);
        Assert.Equal(VaB, lt.EntryOf(B).ReadVa);
        f.Model.EvictEverywhere(B);                          // the entry goes (LTLB-1), its slot stays marked taken
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(B).ReadVa);
        Assert.True(lt.MayHit);
        lt.Forget();
        Assert.False(lt.MayHit);
        Assert.False(LineTlb.None().MayHit);                 // flat memory's line TLB never takes anything
    }

    [Fact]
    public void LTLB1_OnlyTheOfferOfTheExpectedLineIsTaken_WithItsRequestsTags()
    {
        using var f = new ModelFixture(Config());
        var lt = f.Model.LineTlbOf(0)!;

        Read(f, B, Wb);                                      // no request expects a line: nothing is taken
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(B).ReadVa);

        lt.Expect(A >> CacheConfig.LineShift, VaA, VaA, Wb);
        Read(f, B, Wb);                                      // an offer of another line (a table walk's, say)
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(B).ReadVa);
        Assert.Equal(A >> CacheConfig.LineShift, lt.PendingLine);

        Read(f, A, Wb);                                      // the expected line's offer: taken, once
        ref LineTlb.Entry e = ref lt.EntryOf(A);
        Assert.Equal(VaA, e.ReadVa);
        Assert.Equal(LineTlb.NoLine, e.WriteVa);             // LTLB-3: the line is clean
        Assert.Equal(LineTlb.NoLine, lt.PendingLine);
        Assert.Equal(f.Model.DataCacheOf(0, 1)!.Find(A >> CacheConfig.LineShift), e.Index);

        Read(f, A, Wb);                                      // taken once: a later access of the line takes nothing new
        Assert.Equal(VaA, lt.EntryOf(A).ReadVa);
        lt.Expect(B >> CacheConfig.LineShift, VaB, LineTlb.NoLine, Wb);
        Write(f, B, Wb);                                     // no write tag given: none taken, although B is now dirty
        Assert.Equal(VaB, lt.EntryOf(B).ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(B).WriteVa);
    }

    [Fact]
    public void LTLB3_TheWriteTagIsTakenOnlyForAUniqueDirtyLineWithWriteBackAttributes()
    {
        using var f = new ModelFixture(Config());
        var lt = f.Model.LineTlbOf(0)!;

        lt.Expect(A >> CacheConfig.LineShift, VaA, VaA, Wb);
        Write(f, A, Wb);                                     // unique and dirty after the write
        Assert.Equal(VaA, lt.EntryOf(A).WriteVa);

        lt.Expect(A >> CacheConfig.LineShift, VaA, VaA, Wt);
        Read(f, A, Wt);                                      // still dirty, but a write-through write must clean it
        Assert.Equal(VaA, lt.EntryOf(A).ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(A).WriteVa);

        lt.Expect(A >> CacheConfig.LineShift, VaA, VaA, Wb);
        Read(f, A, Wb);
        Assert.Equal(VaA, lt.EntryOf(A).WriteVa);

        f.Model.MaintainByAddress(0, CacheMaintenanceOp.DcCvac, A, Wb);   // cleaned: the entry goes (LTLB-1)
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(A).ReadVa);
        lt.Expect(A >> CacheConfig.LineShift, VaA, VaA, Wb);
        Read(f, A, Wb);                                      // clean now: read tag only
        Assert.Equal(VaA, lt.EntryOf(A).ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(A).WriteVa);
    }

    [Fact]
    public void LTLB3_WithDic1NoWriteTagIsTaken()
    {
        using var f = new ModelFixture(Config(dic: true));
        var lt = f.Model.LineTlbOf(0)!;
        lt.Expect(A >> CacheConfig.LineShift, VaA, VaA, Wb);
        Write(f, A, Wb);
        Assert.Equal(VaA, lt.EntryOf(A).ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(A).WriteVa);   // every write must reach the code observers
    }
}
