using System.Runtime.Intrinsics;
using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// LTLB-1..LTLB-4 (specs/coherence-invariants.md): the line TLB is exact. Two CPUs' cacheable loads and stores
/// (HCR_EL2.DC: Normal write-back with the MMU off) mixed with another agent's inner-shareable reads and writes
/// (snoops that downgrade or remove the CPUs' lines), host writes, evictions, DC CIVAC/CVAC, set/way clean and
/// invalidate, speculative fills, TLB flushes and exclusive reservations, and vector loads and stores of any alignment
/// (pieces of 8 bytes and less), give the same read values, cache contents
/// (tags, LRU stamps, states, uniqueness, data), memory, statistics and exclusive-monitor outcomes as the same
/// sequence with the line TLB off (<see cref="CacheMemorySystem.LineTlbEnabled"/>), after every operation.
/// </summary>
public class LineTlbPropertyTests
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong DataBase = 0x4010_0000;
    private const int Lines = 24;

    /// <summary>Lines of memory the snapshot compares: past the highest line the ops touch (137).</summary>
    private const int SnapshotLines = 138;
    private static readonly MemoryAttributes Wb = MemoryAttributes.NormalWriteBackInnerShareable;

    public enum OpKind
    {
        Cpu0Read, Cpu0Write, Cpu1Read, Cpu1Write, OtherRead, OtherWrite, HostWrite, Evict, Civac, Cvac, SetWayClean,
        SetWayCleanInvalidate, SpeculativeFill, FlushTlb, Cpu1MarkExclusive, Cpu1StoreExclusive, Cpu0VecRead, Cpu0VecWrite,
        Cpu0RequestRead, Cpu0RequestWrite, Cpu0PairRead, Cpu0PairWrite,
    }

    public sealed record Op(OpKind Kind, int Line, int Slot, int Size, ulong Value)
    {
        public ulong Pa => DataBase + (ulong)Line * 64 + (ulong)(Slot * 8 % 64 / Size * Size);
        public override string ToString() => $"{Kind} 0x{Pa:X}/{Size}";
    }

    private sealed class Machine
    {
        public readonly PhysicalMemoryMap Map = new();
        public readonly Ram Ram;
        public readonly CacheMemorySystem Model;
        public readonly CpuCore[] Cpus;

        public Machine(bool lineTlb, CacheConfig config)
        {
            Ram = Map.AddRam(RamBase, 16 * 1024 * 1024);
            Model = new CacheMemorySystem(Map, config) { LineTlbEnabled = lineTlb };
            var system = new CpuSystem(Model);
            Cpus = new[] { system.AddCpu(), system.AddCpu() };
            foreach (var cpu in Cpus)
            {
                FlatStage2.Install(cpu);
                cpu.HcrEl2 = Hcr.DC;                  // MMU off, data Normal WB: cacheable through the TLB's slow path
            }
        }

        /// <summary>Runs one op; the value it observed (a read, a store-exclusive status), else null.</summary>
        public ulong? Execute(Op op)
        {
            ulong pa = op.Pa;
            switch (op.Kind)
            {
                case OpKind.Cpu0Read: return Cpus[0].Read(pa, op.Size);
                case OpKind.Cpu0Write: Cpus[0].Write(pa, op.Size, op.Value); return null;
                case OpKind.Cpu1Read: return Cpus[1].Read(pa, op.Size);
                case OpKind.Cpu1Write: Cpus[1].Write(pa, op.Size, op.Value); return null;
                case OpKind.OtherRead:
                    Model.TryRead(1, pa, op.Size, AccessKind.Read, Wb, out ulong v);
                    return v;
                case OpKind.OtherWrite: Model.TryWrite(1, pa, op.Size, AccessKind.Write, Wb, op.Value); return null;
                case OpKind.HostWrite: Model.TryWrite(MemoryAgents.Host, pa & ~7UL, 8, AccessKind.Write, Wb, op.Value); return null;
                case OpKind.Evict: Model.EvictEverywhere(pa); return null;
                case OpKind.Civac: Model.MaintainByAddress(0, CacheMaintenanceOp.DcCivac, pa, Wb); return null;
                case OpKind.Cvac: Model.MaintainByAddress(0, CacheMaintenanceOp.DcCvac, pa, Wb); return null;
                case OpKind.SetWayClean:
                case OpKind.SetWayCleanInvalidate:
                {
                    var l1 = Model.DataCacheOf(0, 1)!;
                    var op2 = op.Kind == OpKind.SetWayClean ? CacheMaintenanceOp.DcCsw : CacheMaintenanceOp.DcCisw;
                    Model.MaintainBySetWay(0, op2, 1, op.Line % l1.Sets, op.Slot % l1.Ways);
                    return null;
                }
                case OpKind.SpeculativeFill: Model.SpeculativeFill(0, pa, Wb); return null;
                case OpKind.FlushTlb: Cpus[0].FlushTlb(); return null;
                case OpKind.Cpu0VecRead:
                {
                    // 16 bytes at the op's address rounded to its size (elements of that size), as LDR Q / LD1 do.
                    var q = Cpus[0].VecRead128(pa, op.Size).AsUInt64();
                    return q.GetElement(0) ^ q.GetElement(1) * 31;
                }
                case OpKind.Cpu0VecWrite:
                    Cpus[0].VecWrite128(pa, Vector128.Create(op.Value, ~op.Value).AsByte(), op.Size);
                    return null;
                case OpKind.Cpu0PairRead:
                {
                    // CPU-PAIR-1: LDP of W or X elements; sometimes 4 bytes off their alignment (no one-probe path),
                    // sometimes over the end of the line (each element alone).
                    int size = PairSize(op);
                    Cpus[0].ReadPair(PairAddress(op), size, out ulong a, out ulong b);
                    return a ^ b * 31;
                }
                case OpKind.Cpu0PairWrite: Cpus[0].WritePair(PairAddress(op), PairSize(op), op.Value, ~op.Value); return null;
                // Requests of CPU 0's agent that take no offer (as its table walks make): its entry must stay exact.
                case OpKind.Cpu0RequestRead:
                    Model.TryRead(0, pa, op.Size, AccessKind.Read, Wb, out ulong r);
                    return r;
                case OpKind.Cpu0RequestWrite: Model.TryWrite(0, pa, op.Size, AccessKind.Write, Wb, op.Value); return null;
                case OpKind.Cpu1MarkExclusive: Cpus[1].MarkExclusive(pa & ~7UL, 8); return null;
                default: return Cpus[1].StoreExclusive(pa & ~7UL, 8, op.Value, 0) ? 0UL : 1UL;
            }
        }

        private static int PairSize(Op op) => op.Size == 8 ? 8 : 4;

        private static ulong PairAddress(Op op) => (op.Pa & ~(ulong)(PairSize(op) - 1)) + ((op.Value & 7) == 0 ? 4UL : 0);

        /// <summary>Everything observable of the memory system (<see cref="CacheModelSnapshot.Of"/>).</summary>
        public string State() => CacheModelSnapshot.Of(Model, Ram, DataBase, SnapshotLines * 64);
    }

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency(
            (8, Gen.Constant(OpKind.Cpu0Read)), (8, Gen.Constant(OpKind.Cpu0Write)),
            (3, Gen.Constant(OpKind.Cpu1Read)), (3, Gen.Constant(OpKind.Cpu1Write)),
            (2, Gen.Constant(OpKind.OtherRead)), (2, Gen.Constant(OpKind.OtherWrite)), (1, Gen.Constant(OpKind.HostWrite)),
            (1, Gen.Constant(OpKind.Evict)), (1, Gen.Constant(OpKind.Civac)), (1, Gen.Constant(OpKind.Cvac)),
            (1, Gen.Constant(OpKind.SetWayClean)), (1, Gen.Constant(OpKind.SetWayCleanInvalidate)),
            (1, Gen.Constant(OpKind.SpeculativeFill)), (1, Gen.Constant(OpKind.FlushTlb)),
            (1, Gen.Constant(OpKind.Cpu1MarkExclusive)), (1, Gen.Constant(OpKind.Cpu1StoreExclusive)),
            (3, Gen.Constant(OpKind.Cpu0VecRead)), (3, Gen.Constant(OpKind.Cpu0VecWrite)),
            (4, Gen.Constant(OpKind.Cpu0RequestRead)), (4, Gen.Constant(OpKind.Cpu0RequestWrite)),
            (4, Gen.Constant(OpKind.Cpu0PairRead)), (4, Gen.Constant(OpKind.Cpu0PairWrite)))
        // Mostly a few hot lines, two to a set of the smallest L1Ds (4 sets), so hits change the LRU order of a set; and
        // lines that share a set but not a slot of the line TLB (0, 16) in the 16-set L1D, or a slot but not a set (0,
        // 64; 9, 73), or both (0, 128; 9, 137), in the 128-set L1D (LTLB-5). Slot 9 is one that 8 slots would not have.
        from line in Gen.Frequency((3, Gen.Elements(0, 1, 4, 5)), (1, Gen.Elements(0, 16, 64, 128, 9, 73, 137)), (1, Gen.Choose(0, Lines - 1)))
        from slot in Gen.Choose(0, 7)
        from sizeLog in Gen.Choose(0, 3)
        from value in CacheModelSnapshot.Word
        select new Op(kind, line, slot, 1 << sizeLog, value);

    /// <summary>Small caches (every program evicts), inclusive and not, LRU and pseudo-random, DIC off and on.</summary>
    private static readonly CacheConfig[] Configs =
    {
        CacheConfig.CortexA57(2) with { L1I = new CacheGeometry(384, 3), L1D = new CacheGeometry(512, 2), L2 = new CacheGeometry(2048, 4) },
        CacheConfig.CortexA57(2) with { L1I = new CacheGeometry(384, 3), L1D = new CacheGeometry(256, 1), L2 = new CacheGeometry(1024, 2), L2Inclusion = InclusionPolicy.NonInclusive },
        CacheConfig.CortexA57(2) with { L1I = new CacheGeometry(384, 3), L1D = new CacheGeometry(512, 4, ReplacementPolicy.PseudoRandom), L2 = new CacheGeometry(1024, 4), Seed = 7 },
        CacheConfig.CortexA57(2) with { L1I = new CacheGeometry(384, 3), L1D = new CacheGeometry(512, 2), L2 = new CacheGeometry(2048, 4), Dic = true },
        // LTLB-5 with fewer sets than slots (16 sets, 64 slots): a set's lines lie in four slots (lines 0 and 16 share a
        // set, not a slot).
        CacheConfig.CortexA57(2) with { L1I = new CacheGeometry(384, 3), L1D = new CacheGeometry(2048, 2), L2 = new CacheGeometry(8192, 4) },
        // LTLB-5 with one slot per set (128 sets, 64 slots): lines 0 and 64 share a slot, not a set; 0 and 128 a set.
        CacheConfig.CortexA57(2) with { L1I = new CacheGeometry(384, 3), L1D = new CacheGeometry(16384, 2), L2 = new CacheGeometry(32768, 4) },
    };

    [Fact]
    public void LTLB4_LineTlbOnAndOff_GiveTheSameValuesStatesAndStatistics()
    {
        var arb = (from config in Gen.Elements(Configs) from ops in OpGen.ArrayOf() select (config, ops)).ToArbitrary();
        Prop.ForAll(arb, t =>
        {
            var on = new Machine(lineTlb: true, t.config);
            var off = new Machine(lineTlb: false, t.config);
            foreach (var op in t.ops)
            {
                if (on.Execute(op) != off.Execute(op)) return false;
                if (on.State() != off.State()) return false;
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    [Fact]
    public void LTLB2_ARepeatedHit_IsServedByTheLineTlb_AndCountedAsAnL1dHit()
    {
        var m = new Machine(lineTlb: true, CacheConfig.CortexA57(2));
        var lt = m.Model.LineTlbOf(0)!;
        var l1d = m.Model.DataCacheOf(0, 1)!;
        m.Cpus[0].Write(DataBase + 8, 8, 0x1122_3344_5566_7788);       // TLB fill, miss, line Unique and Dirty
        m.Cpus[0].Write(DataBase + 16, 8, 0x99);                       // shortcut path: an L1D hit, offered writable
        Assert.Equal(DataBase, lt.ReadVa);
        Assert.Equal(DataBase, lt.WriteVa);
        long hits = l1d.Stats.Hits;
        Assert.Equal(0x1122_3344_5566_7788UL, m.Cpus[0].Read(DataBase + 8, 8));
        m.Cpus[0].Write(DataBase + 24, 4, 0xABCD);
        Assert.Equal(0xABCDUL, m.Cpus[0].Read(DataBase + 24, 4));
        Assert.Equal(hits + 3, l1d.Stats.Hits);
        Assert.Equal(0UL, m.Model.PeekMemory(DataBase + 24, 4));       // written in the L1D only

        // A snoop from another agent removes the line: the entry goes (LTLB-1), and the next read is a request.
        m.Model.TryWrite(1, DataBase + 8, 8, AccessKind.Write, Wb, 0x5555);
        Assert.Equal(LineTlb.NoLine, lt.ReadVa);
        Assert.Equal(0x5555UL, m.Cpus[0].Read(DataBase + 8, 8));
    }

    /// <summary>
    /// LTLB-5: lines of different L1D sets keep entries of their own, so accesses that alternate between them stay in
    /// the line TLB, up to a page's 64 lines (a and d, 56 lines apart, shared a slot when there were 8); a fill into the
    /// set of an entry's line (here a speculative one, whose offer nobody takes) forgets that entry, since the line is no
    /// longer its set's most recently used, and the next access to it is a request that makes it so again, exactly as
    /// with the line TLB off.
    /// </summary>
    [Fact]
    public void LTLB5_EntriesOfOtherSetsStay_AndAFillIntoAnEntrysSetForgetsIt()
    {
        var config = CacheConfig.CortexA57(2);
        var on = new Machine(lineTlb: true, config);
        var off = new Machine(lineTlb: false, config);
        var lt = on.Model.LineTlbOf(0)!;
        var l1d = on.Model.DataCacheOf(0, 1)!;
        // c is the next line; d is 56 lines on, in a's page (with 8 slots it shared a's slot).
        ulong a = DataBase, c = DataBase + 64, d = DataBase + 56 * 64, sameSetAsA = DataBase + (ulong)l1d.Sets * 64;
        Assert.True(l1d.Sets >= LineTlb.MaxSlots);                      // one slot per set here
        // A page's lines each in a slot of their own, and no more slots: these runs have VA = PA, so nothing else here
        // would see slots indexed by address bits above the page offset, where a VA and its PA differ.
        Assert.Equal(4096, LineTlb.MaxSlots * 64);
        ulong sameSetAsD = d + (ulong)l1d.Sets * 64;
        foreach (var m in new[] { on, off })
        {
            // A line of the page of the fills below, in another set: that page already holds a cached line, so the fills
            // make no TLB event (the page's first cached line would drop every entry, TLB-5, LTLB-2).
            m.Cpus[0].Read(sameSetAsA + 2 * 64, 8);
            m.Cpus[0].Read(a, 8);                                       // the TLB fill's access takes no offer
            m.Cpus[0].Read(c, 8);
            m.Cpus[0].Read(d, 8);
            m.Cpus[0].Read(a, 8);
        }
        Assert.Equal(a, lt.EntryOf(a).ReadVa);                          // all three lines have entries
        Assert.Equal(c, lt.EntryOf(c).ReadVa);
        Assert.Equal(d, lt.EntryOf(d).ReadVa);
        long hits = l1d.Stats.Hits;
        foreach (var m in new[] { on, off })
            for (int k = 0; k < 4; k++) { m.Cpus[0].Read(a, 8); m.Cpus[0].Read(c, 8); m.Cpus[0].Read(d, 8); }
        Assert.Equal(hits + 12, l1d.Stats.Hits);
        Assert.Equal(a, lt.EntryOf(a).ReadVa);                          // reads of c and d left a's entry
        Assert.Equal(c, lt.EntryOf(c).ReadVa);
        Assert.Equal(on.State(), off.State());

        foreach (var m in new[] { on, off }) { m.Model.SpeculativeFill(0, sameSetAsA, Wb); m.Model.SpeculativeFill(0, sameSetAsD, Wb); }
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(a).ReadVa);             // a's and d's sets have new most recently used lines
        Assert.Equal(LineTlb.NoLine, lt.EntryOf(d).ReadVa);
        Assert.Equal(c, lt.EntryOf(c).ReadVa);                          // c's set did not change
        foreach (var m in new[] { on, off }) { m.Cpus[0].Read(a, 8); m.Cpus[0].Read(c, 8); m.Cpus[0].Read(d, 8); }
        Assert.Equal(on.State(), off.State());                         // a and d are their sets' most recently used again in both
    }

    /// <summary>
    /// LTLB-1: a hit that leaves the L1D's LRU order as it was (on its set's most recently used line) keeps the entry of
    /// another line; a hit that changes the order of the entry's set forgets it.
    /// </summary>
    [Fact]
    public void LTLB1_AHitKeepsTheEntryUnlessItChangesTheLruOrder()
    {
        var m = new Machine(lineTlb: true, CacheConfig.CortexA57(2));
        var lt = m.Model.LineTlbOf(0)!;
        var l1d = m.Model.DataCacheOf(0, 1)!;
        ulong otherSet = DataBase + 64, sameSet = DataBase + (ulong)l1d.Sets * 64;
        m.Cpus[0].Read(otherSet, 8);                          // misses: each line the most recently used of its set
        m.Cpus[0].Read(sameSet, 8);
        m.Cpus[0].Write(DataBase, 8, 1);
        m.Cpus[0].Write(DataBase, 8, 2);                      // a hit that changes set 0's order: entry for DataBase
        Assert.Equal(DataBase, lt.WriteVa);

        Assert.True(m.Model.TryRead(0, otherSet, 8, AccessKind.Read, Wb, out _));      // hit, order unchanged
        Assert.Equal(DataBase, lt.ReadVa);
        Assert.Equal(DataBase, lt.WriteVa);
        long hits = l1d.Stats.Hits;
        m.Cpus[0].Write(DataBase, 8, 3);                      // through the line TLB
        Assert.Equal(hits + 1, l1d.Stats.Hits);

        Assert.True(m.Model.TryWrite(0, sameSet, 8, AccessKind.Write, Wb, 4));       // hit, set 0's order changes
        Assert.Equal(LineTlb.NoLine, lt.ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.WriteVa);
        Assert.Equal(3UL, m.Cpus[0].Read(DataBase, 8));
    }

    [Fact]
    public void CPU_PAIR_1_APairInsideTheLine_IsServedByOneLineTlbProbe_AndCountsTwoL1dHits()
    {
        var m = new Machine(lineTlb: true, CacheConfig.CortexA57(2));
        var l1d = m.Model.DataCacheOf(0, 1)!;
        m.Cpus[0].Write(DataBase + 8, 8, 1);                           // TLB fill, miss, line Unique and Dirty
        m.Cpus[0].Write(DataBase + 8, 8, 2);                           // an L1D hit, offered writable
        long hits = l1d.Stats.Hits, misses = l1d.Stats.Misses;
        m.Cpus[0].WritePair(DataBase + 16, 8, 0x1111, 0x2222);
        m.Cpus[0].ReadPair(DataBase + 16, 8, out ulong a, out ulong b);
        m.Cpus[0].ReadPair(DataBase + 40, 4, out ulong c, out ulong d);
        Assert.Equal((0x1111UL, 0x2222UL, 0UL, 0UL), (a, b, c, d));
        Assert.Equal((hits + 6, misses), (l1d.Stats.Hits, l1d.Stats.Misses));
        Assert.Equal(0UL, m.Model.PeekMemory(DataBase + 16, 8));       // written in the L1D only

        // A pair over the end of the line is two accesses: the second misses (the next line) and is counted so.
        m.Cpus[0].ReadPair(DataBase + 56, 8, out a, out b);
        Assert.Equal((hits + 7, misses + 1), (l1d.Stats.Hits, l1d.Stats.Misses));
    }

    /// <summary>
    /// LTLB-3 in a store pair's elementwise path (CPU-PAIR-1): write-through memory (stage 2 MemAttr 0b1010 combined
    /// with HCR_EL2.DC's write-back) gives its lines read tags only, so after the first element's request has left the
    /// line in the L1D with a read tag, the second element must still be a request that writes through, not a write
    /// into the L1D alone. The same stores with the line TLB off leave the same caches and memory.
    /// </summary>
    [Fact]
    public void LTLB3_APairsSecondElementToWriteThroughMemory_WritesThrough()
    {
        var config = CacheConfig.CortexA57(2);
        var on = new Machine(lineTlb: true, config);
        var off = new Machine(lineTlb: false, config);
        var lt = on.Model.LineTlbOf(0)!;
        foreach (var m in new[] { on, off })
        {
            FlatStage2.SetAccess(m.Cpus[0], block: 1, s2ap: 3, memAttr: 0xA);
            m.Cpus[0].Read(DataBase + 0x40, 8);                // the page's first cached line (a TLB event), another set
            m.Cpus[0].Read(DataBase, 8);                       // a miss: the line in the L1D
            m.Cpus[0].Read(DataBase + 8, 8);                   // a request that hits: offered
        }
        Assert.Equal(DataBase, lt.ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.WriteVa);              // write-through: no write tag
        foreach (var m in new[] { on, off })
        {
            // Inside the line, with no write tag and no direct access: the one probe fails, the elements go one by one.
            m.Cpus[0].WritePair(DataBase + 0x18, 8, 0x1111, 0x2222);
            m.Cpus[0].WritePair(DataBase + 0x2C, 4, 0x3333, 0x4444);
        }
        Assert.Equal(0x2222UL, on.Model.PeekMemory(DataBase + 0x20, 8));
        Assert.Equal(0x4444UL, on.Model.PeekMemory(DataBase + 0x30, 4));
        Assert.Equal(off.State(), on.State());
    }

    [Fact]
    public void LTLB3_AnotherPesReservation_KeepsStoresToItsPageOffTheLineTlb()
    {
        var m = new Machine(lineTlb: true, CacheConfig.CortexA57(2));
        var lt = m.Model.LineTlbOf(0)!;
        m.Cpus[0].Write(DataBase, 8, 1);
        m.Cpus[0].Write(DataBase, 8, 2);
        Assert.Equal(DataBase, lt.WriteVa);
        m.Cpus[1].MarkExclusive(DataBase + 0x40, 8);       // another line of the same page
        Assert.Equal(LineTlb.NoLine, lt.WriteVa);
        m.Cpus[0].Write(DataBase + 0x40, 8, 3);            // the store reaches the global monitor
        Assert.False(m.Cpus[1].StoreExclusive(DataBase + 0x40, 8, 4, 0));
        m.Cpus[1].MarkExclusive(DataBase + 0x40, 8);
        m.Cpus[0].Write(DataBase, 8, 5);
        m.Cpus[0].Write(DataBase, 8, 6);
        Assert.Equal(DataBase, lt.ReadVa);
        Assert.Equal(LineTlb.NoLine, lt.WriteVa);          // not while another PE holds a reservation in the page
        Assert.True(m.Cpus[1].StoreExclusive(DataBase + 0x40, 8, 7, 0));
    }

    /// <summary>
    /// LTLB-2: a line is tagged for reads only if the TLB grants reads. Stage 2 can make a page write-only (S2AP = 0b10):
    /// stores to it take its line for writes, and a load of it must still take the stage-2 permission fault, as it does
    /// with the line TLB off.
    /// </summary>
    [Fact]
    public void LTLB2_AWriteOnlyPagesLineIsTakenForWritesOnly_SoALoadOfItStillFaults()
    {
        var m = new Machine(lineTlb: true, CacheConfig.CortexA57(2));
        var cpu = m.Cpus[0];
        FlatStage2.SetAccess(cpu, block: 1, s2ap: 2);      // the data's GiB write-only: S2AP[1] set, S2AP[0] clear
        var lt = m.Model.LineTlbOf(0)!;
        cpu.Write(DataBase, 8, 1);                          // a miss: the line Unique and Dirty
        cpu.Write(DataBase + 8, 8, 2);                      // a request that hits: offered writable
        Assert.Equal(DataBase, lt.WriteVa);
        Assert.Equal(LineTlb.NoLine, lt.ReadVa);
        cpu.Write(DataBase + 16, 8, 3);                     // through the line TLB
        Assert.Throws<GuestException>(() => cpu.Read(DataBase + 8, 8));
        Assert.Equal(ExitReason.Stage2Abort, cpu.PendingExit.Reason);
        Assert.Equal(FaultStatus.Permission(1), cpu.PendingExit.Iss & 0x3F);
        Assert.Equal(0u, cpu.PendingExit.Iss & (1u << 6));   // WnR = 0: the read faulted
    }
}
