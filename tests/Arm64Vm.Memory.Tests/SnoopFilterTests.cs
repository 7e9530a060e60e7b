using System.Runtime.CompilerServices;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Memory.Tests.PropertyHelpers;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// The presence bits of inclusive caches and the snoop filter built on them (SNOOP-1..4, specs/coherence-invariants.md).
/// Every property of this project also checks the bits after every op (<see cref="OpRunner.Execute"/>).
/// </summary>
public class SnoopFilterTests
{
    [Fact]
    public void SNOOP1_LineMetadataStaysSixteenBytes() => Assert.Equal(16, Unsafe.SizeOf<LineMeta>());

    [Fact]
    public void SNOOP1_TheDefaultL2KeepsBitsForItsChildren()
    {
        using var f = new ModelFixture(CacheConfig.CortexA57(4));
        var l2 = f.Model.CacheNamed("L2");
        Assert.True(l2.KeepsPresence);
        Assert.Equal(9, l2.Children.Count);     // L1I and L1D of four CPUs, the host's L1D
        Assert.All(l2.Children, c => Assert.Same(l2, c.PresenceParent));
        using var n = new ModelFixture(CacheConfig.CortexA57(4) with { L2Inclusion = InclusionPolicy.NonInclusive });
        Assert.False(n.Model.CacheNamed("L2").KeepsPresence);
        Assert.All(n.Model.AllCaches, c => Assert.Null(c.PresenceParent));
        // More children than bits: no bits, the snoops look every cache up.
        using var big = new ModelFixture(CacheConfig.CortexA57(8));
        Assert.False(big.Model.CacheNamed("L2").KeepsPresence);
        Assert.Null(PresenceError(big.Model));
    }

    /// <summary>
    /// SNOOP-1..3 after every op of programs of every kind of op, agent and attribute alias over the whole
    /// configuration space, with the host shortcuts on or off, the stale-read detector (whose hit path uses a stand-in
    /// cache) on or off, a debugger write after each op, and a whole-system flush at the end.
    /// </summary>
    [Fact]
    public void SNOOP1_PresenceBitsAreExactAfterEveryOp()
    {
        foreach (var (idc, dic) in new[] { (false, false), (true, true) })
            MustHoldEverywhere(ModelFixture.Configs(idc, dic, anyNcHitPolicy: true), OpGen.Anything(), (f, p) =>
            {
                var m = f.Model;
                m.HostShortcuts = p.Ops.Length % 3 != 0;
                if (p.Ops.Length % 2 == 1) m.EnableStaleReadDetection();
                Span<byte> bytes = stackalloc byte[8];
                for (int i = 0; i < p.Ops.Length; i++)
                {
                    OpRunner.Execute(f, p.Ops[i], i);
                    BitConverter.TryWriteBytes(bytes, OpRunner.ValueOf(i));
                    Assert.True(m.DebugWrite(ModelFixture.Pa(p.Ops[i].Word), bytes));
                    CheckPresence(m);
                }
                m.FlushAll();
                CheckPresence(m);
                return m.AllCaches.All(c => c.ValidCount == 0 && c.OrphanLines == 0);
            });
    }

    /// <summary>
    /// SNOOP-2: a line an inclusive L2 drops without back-invalidation (DC CISW on the L2) stays in the L1D above it as
    /// an orphan line, and another CPU's write still finds and removes it (its dirty data merged first).
    /// </summary>
    [Fact]
    public void SNOOP2_AnOrphanLineIsStillSnooped()
    {
        using var f = new ModelFixture(ModelFixture.Tiny(slc: false));
        var m = f.Model;
        var l1 = m.DataCacheOf(0, 1)!;
        var l2 = m.DataCacheOf(0, 2)!;
        f.Write(0, 0, Attr.WB, 0x1111);
        f.Write(0, 1, Attr.WB, 0x2222);
        int j = l2.Find(ModelFixture.Pa(0) >> 6);
        Assert.True(j >= 0);
        Assert.Equal(l1.PresenceBit, l2.Lines[j].Present);
        var (set, way) = l2.SetWayOf(j);
        m.MaintainBySetWay(0, CacheMaintenanceOp.DcCisw, 2, set, way);
        Assert.Equal(1, l1.OrphanLines);
        Assert.Equal(LineState.Dirty, l1.StateOf(ModelFixture.Pa(0) >> 6));
        CheckPresence(m);
        f.Write(1, 0, Attr.WB, 0x3333);      // cpu1: same cluster, so the snoop would consult L2.0's bits
        CheckPresence(m);
        Assert.Equal(LineState.Invalid, l1.StateOf(ModelFixture.Pa(0) >> 6));
        Assert.Equal(0, l1.OrphanLines);
        Assert.Equal(0x3333UL, f.Read(0, 0, Attr.WB));
        Assert.Equal(0x2222UL, f.Read(1, 1, Attr.WB));
    }

    /// <summary>
    /// SNOOP-4: the snoop filter changes nothing observable. Programs of every kind of op over the configuration
    /// space, each run twice with an event log, the host shortcuts (and with them the filter) on and off: the same
    /// value for every access, the same events in the same order, and the same tags, states, stamps, back-pointers,
    /// presence bits, data, memory and statistics.
    /// </summary>
    [Fact]
    public void SNOOP4_FilterOnAndOffGiveTheSameResultsEventsAndState()
    {
        MustHoldEverywhere(ModelFixture.Configs(false, false, anyNcHitPolicy: true), OpGen.Anything(), (on, p) =>
        {
            using var off = new ModelFixture(on.Model.Caches);
            off.Model.HostShortcuts = false;
            var onLog = new CacheEventLog();
            var offLog = new CacheEventLog();
            on.Model.EventSink = onLog;
            off.Model.EventSink = offLog;
            for (int i = 0; i < p.Ops.Length; i++)
                if (OpRunner.Execute(on, p.Ops[i], i) != OpRunner.Execute(off, p.Ops[i], i)) return false;
            return onLog.Events.SequenceEqual(offLog.Events)
                && HostShortcutPropertyTests.Fingerprint(on) == HostShortcutPropertyTests.Fingerprint(off);
        });
    }

    /// <summary>
    /// SNOOP-4 on the traffic the filter is for: four CPUs (one cluster of four, or two of two, or two clusters over
    /// one shared L2) reading, writing and fetching over 48 lines (more than the L1s, about the L2), with occasional
    /// maintenance by address and by set/way, so that most misses find the line in no other L1 and some find it in
    /// one or several, dirty or clean, and orphan lines come and go. With and without an event log (without one,
    /// the L1D misses take SHORT-1). Every value, every event, then the whole state must match the reference.
    /// </summary>
    [Fact]
    public void SNOOP4_MultiCpuTrafficGivesTheReferenceResults()
    {
        var wb = MemoryAttributes.NormalWriteBackInnerShareable;
        var nsh = ModelFixture.Attrs(Attr.WBNSH);
        int seed = 7;
        foreach (var (clusters, perCluster, shared) in new[] { (1, 4, false), (2, 2, false), (2, 2, true) })
            foreach (var repl in new[] { ReplacementPolicy.Lru, ReplacementPolicy.PseudoRandom })
                foreach (bool events in new[] { false, true })
                {
                    var config = new CacheConfig
                    {
                        Clusters = clusters,
                        CpusPerCluster = perCluster,
                        L2PerCluster = !shared,
                        L1I = new CacheGeometry(512, 2, repl),
                        L1D = new CacheGeometry(512, 2, repl),
                        L2 = new CacheGeometry(2048, 4, repl),
                        SystemCache = null,
                        Seed = (ulong)seed,
                    };
                    using var on = new ModelFixture(config);
                    using var off = new ModelFixture(config);
                    off.Model.HostShortcuts = false;
                    var onLog = new CacheEventLog();
                    var offLog = new CacheEventLog();
                    if (events)
                    {
                        on.Model.EventSink = onLog;
                        off.Model.EventSink = offLog;
                    }
                    var rng = new Random(seed++);
                    for (int n = 0; n < 6000; n++)
                    {
                        int cpu = rng.Next(4);
                        int lineNo = rng.Next(3) == 0 ? rng.Next(48) : (n / 5 + cpu * 7) % 48;
                        ulong pa = ModelFixture.RamBase + (ulong)lineNo * 64 + (ulong)rng.Next(8) * 8;
                        int what = rng.Next(100);
                        foreach (var f in new[] { on, off })
                        {
                            var m = f.Model;
                            if (what < 40) Assert.True(m.TryWrite(cpu, pa, 8, AccessKind.Write, what < 3 ? nsh : wb, (ulong)n));
                            else if (what < 90) Assert.True(m.TryRead(cpu, pa, 8, AccessKind.Read, what < 43 ? nsh : wb, out _));
                            else if (what < 95) Assert.True(m.TryRead(cpu, pa, 4, AccessKind.Fetch, wb, out _));
                            else if (what < 98) m.MaintainByAddress(cpu, what < 97 ? CacheMaintenanceOp.DcCivac : CacheMaintenanceOp.DcIvac, pa, what == 95 ? nsh : wb);
                            else m.MaintainBySetWay(cpu, CacheMaintenanceOp.DcCisw, 2, lineNo % 8, (int)(pa >> 3) & 3);
                        }
                        if (what >= 40 && what < 95)
                        {
                            var kind = what < 90 ? AccessKind.Read : AccessKind.Fetch;
                            var attrs = what < 43 ? nsh : wb;
                            Assert.True(on.Model.TryRead(cpu, pa, 8, kind, attrs, out ulong a));
                            Assert.True(off.Model.TryRead(cpu, pa, 8, kind, attrs, out ulong b));
                            Assert.Equal(b, a);
                        }
                        if (n % 500 == 0) CheckPresence(on.Model);
                    }
                    CheckPresence(on.Model);
                    CheckPresence(off.Model);
                    Assert.Equal(offLog.Events.Count, onLog.Events.Count);
                    Assert.True(offLog.Events.SequenceEqual(onLog.Events));
                    Assert.Equal(HostShortcutPropertyTests.Fingerprint(off), HostShortcutPropertyTests.Fingerprint(on));
                    Assert.True(on.Model.CacheNamed(clusters == 1 || shared ? "L2" : "L2.0").Stats.Evictions > 100);
                }
    }
}
