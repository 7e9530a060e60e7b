using Arm64Vm.Memory.Caches;
using Arm64Vm.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;
using static Arm64Vm.Memory.Tests.PropertyHelpers;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// The negative properties N-a..N-d of specs/coherence-invariants.md: each hazard program, surrounded by random
/// fills, evictions and unrelated traffic, reads the latest value for 1,000 cases when the documented maintenance is
/// present; with it removed, FsCheck must find a stale read of this hazard's kind — the program's own final read of
/// the target word returns the named older value while the named write is the newest (the shrunk program and the
/// witness are printed). An exception inside the property fails the test (NegativeProperty).
/// </summary>
public class HazardPropertyTests
{
    private readonly ITestOutputHelper _output;

    public HazardPropertyTests(ITestOutputHelper output) => _output = output;

    private static Op Cmo(int agent, CacheMaintenanceOp op, Attr attr) => new(OpKind.Cmo, agent, 0, attr, op);

    private static Arbitrary<Program> Family(Op[] core, bool fetchNoise = false) =>
        Arb.From(Interleave(core, Noise(fetchNoise)), OpGen.Shrink);

    /// <summary>
    /// The hazard program with the maintenance must always read fresh; without it FsCheck must find a stale read, and
    /// the shrunk counterexample must be this hazard's: the program's own final read of word 0 returns the value of
    /// core write <paramref name="staleWrite"/> (-1: the initial 0) while core write <paramref name="freshWrite"/> is
    /// the newest (indices count the core ops of the maintenance-free program).
    /// </summary>
    private void Hazard(string id, Func<bool, Op[]> program, int freshWrite, int staleWrite, CacheConfig? config = null)
    {
        StaleRead? FirstStale(Program p)
        {
            using var f = new ModelFixture(config);
            return StaleReads.First(f, p, w => w < 2);
        }
        bool fetchNoise = config?.Dic == false;
        MustHold(Family(program(true), fetchNoise), p => FirstStale(p) is null);
        var found = NegativeProperty.RequireStaleRead(OpGen.Thousand, Family(program(false), fetchNoise), FirstStale);
        _output.WriteLine(found.Report);
        _output.WriteLine($"{id}: {found.Witness}");

        var ops = found.Input.Ops;
        int[] core = Enumerable.Range(0, ops.Length).Where(i => ops[i].Core).ToArray();
        Assert.Equal(StaleReads.Describe(core[^1], ops[core[^1]]), found.Witness.Location);
        Assert.Equal(ModelFixture.Pa(0), found.Witness.Address);
        Assert.Equal(OpRunner.ValueOf(core[freshWrite]), found.Witness.Fresh);
        Assert.Equal(staleWrite < 0 ? 0 : OpRunner.ValueOf(core[staleWrite]), found.Witness.Observed);
    }

    [Fact]
    public void Na_HostCacheableWrite_GuestNonCacheableRead_StaleWithoutCleanToPoC() =>
        Hazard("N-a", cmo =>
        {
            var ops = new List<Op> { new(OpKind.Write, ModelFixture.Host, 0, Attr.WB) };
            if (cmo) ops.Add(Cmo(ModelFixture.Host, CacheMaintenanceOp.DcCvac, Attr.WB));
            ops.Add(new Op(OpKind.Dsb, 0, 0));
            ops.Add(new Op(OpKind.Read, 0, 0, Attr.NC));
            return ops.ToArray();
        }, freshWrite: 0, staleWrite: -1);

    [Fact]
    public void Nb_NonCacheableWrite_CacheableReadOfCachedLine_StaleWithoutInvalidate() =>
        Hazard("N-b", cmo =>
        {
            var ops = new List<Op>
            {
                new(OpKind.Read, 0, 0, Attr.WB),           // the line is cached (clean)
                new(OpKind.Write, 1, 0, Attr.NC),
                new(OpKind.Dsb, 1, 0),
            };
            if (cmo) ops.Add(Cmo(0, CacheMaintenanceOp.DcCivac, Attr.WB));
            ops.Add(new Op(OpKind.Read, 0, 0, Attr.WB));
            return ops.ToArray();
        }, freshWrite: 1, staleWrite: -1);

    [Fact]
    public void Nc_DirtyLineEvictedAfterNonCacheableWrite_OverwritesItWithoutCleanInvalidate() =>
        Hazard("N-c", cmo =>
        {
            var ops = new List<Op> { new(OpKind.Write, 0, 1, Attr.WB) };   // dirty line (other word of the line)
            ops.Add(new Op(OpKind.Write, 0, 0, Attr.WB));
            if (cmo) ops.Add(Cmo(1, CacheMaintenanceOp.DcCivac, Attr.NC));
            ops.Add(new Op(OpKind.Write, 1, 0, Attr.NC));
            ops.Add(new Op(OpKind.Evict, 0, 0, Cache: -1));                // the eviction happens some time later
            ops.Add(new Op(OpKind.Read, 1, 0, Attr.NC));
            return ops.ToArray();
        }, freshWrite: 2, staleWrite: 1);

    [Fact]
    public void Nd_NewCodeWithoutIcIvau_ExecutesStaleInstructions() =>
        Hazard("N-d", cmo =>
        {
            var ops = new List<Op>
            {
                new(OpKind.Fetch, 0, 0),                   // the old code is in cpu0's L1I
                new(OpKind.Write, 0, 0, Attr.WB),          // new instruction
                Cmo(0, CacheMaintenanceOp.DcCvau, Attr.WB),
                new(OpKind.Dsb, 0, 0),
            };
            if (cmo) ops.Add(Cmo(0, CacheMaintenanceOp.IcIvau, Attr.WB));
            ops.Add(new Op(OpKind.Fetch, 0, 0));
            return ops.ToArray();
        }, freshWrite: 1, staleWrite: -1, ModelFixture.Tiny(idc: false, dic: false));

    [Fact]
    public void Nd_WithDic_NewCodeIsSeenWithoutIcIvau()
    {
        // The control of N-d: with DIC=1 the same program without IC IVAU always fetches the new code.
        var core = new[]
        {
            new Op(OpKind.Fetch, 0, 0), new Op(OpKind.Write, 0, 0, Attr.WB),
            Cmo(0, CacheMaintenanceOp.DcCvau, Attr.WB), new Op(OpKind.Dsb, 0, 0), new Op(OpKind.Fetch, 0, 0),
        };
        MustHold(Family(core, fetchNoise: true), p => ReadsSeeLatestWrite(new ModelFixture(ModelFixture.Tiny(dic: true)), p, w => w < 2));
    }
}
