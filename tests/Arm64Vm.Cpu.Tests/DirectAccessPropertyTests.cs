using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Arm64Vm.Cpu.Tests;

/// <summary>
/// The direct (TLB fast path) Non-cacheable and Device accesses of the cache model are exact: a CPU's accesses with the
/// MMU off (Device-nGnRnE, Arm ARM (DDI 0487K.a) section D8.2.11) mixed with cacheable fills by the same CPU, host
/// writes, evictions and DC CIVAC give the same read values, cache contents (tags, LRU stamps, states, uniqueness,
/// data), memory and statistics as the same sequence with every access sent to the model
/// (<see cref="CpuCore.DisableDirectAccess"/>), and Ram's per-page count of cached lines always equals the lines the
/// caches hold.
/// </summary>
public class DirectAccessPropertyTests
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong DataBase = 0x4010_0000;
    private const int Pages = 3;
    private static readonly MemoryAttributes Wb = MemoryAttributes.NormalWriteBackInnerShareable;

    public enum OpKind { CpuRead, CpuWrite, CpuCacheableFill, HostWrite, EvictEverywhere, Civac, CpuPairRead, CpuPairWrite }

    public sealed record Op(OpKind Kind, int Page, int Offset, int Size, ulong Value)
    {
        public ulong Pa => DataBase + (ulong)Page * 4096 + (ulong)Offset;
        public override string ToString() => $"{Kind} 0x{Pa:X}/{Size}";
    }

    private sealed class Machine
    {
        public readonly PhysicalMemoryMap Map = new();
        public readonly Ram Ram;
        public readonly CacheMemorySystem Model;
        public readonly CpuCore Cpu;

        public Machine(bool direct, CacheConfig config)
        {
            Ram = Map.AddRam(RamBase, 16 * 1024 * 1024);
            Model = new CacheMemorySystem(Map, config);
            Cpu = new CpuSystem(Model).AddCpu();
            Cpu.DisableDirectAccess(!direct);
        }

        /// <summary>Runs one op; the value a read returned, else null.</summary>
        public ulong? Execute(Op op)
        {
            switch (op.Kind)
            {
                case OpKind.CpuRead: return Cpu.Read(op.Pa, op.Size);
                case OpKind.CpuWrite: Cpu.Write(op.Pa, op.Size, op.Value); return null;
                case OpKind.CpuPairRead:
                {
                    Cpu.ReadPair(PairAddress(op), PairSize(op), out ulong a, out ulong b);     // CPU-PAIR-1
                    return a ^ b * 31;
                }
                case OpKind.CpuPairWrite: Cpu.WritePair(PairAddress(op), PairSize(op), op.Value, ~op.Value); return null;
                case OpKind.CpuCacheableFill: Model.SpeculativeFill(Cpu.Index, op.Pa, Wb); return null;
                case OpKind.HostWrite: Model.TryWrite(MemoryAgents.Host, op.Pa & ~7UL, 8, AccessKind.Write, Wb, op.Value); return null;
                case OpKind.EvictEverywhere: Model.EvictEverywhere(op.Pa); return null;
                default: Model.MaintainByAddress(Cpu.Index, CacheMaintenanceOp.DcCivac, op.Pa, Wb); return null;
            }
        }

        private static int PairSize(Op op) => op.Size == 8 ? 8 : 4;

        /// <summary>A pair at the op's address (aligned: Device memory), or one that crosses into the next page.</summary>
        private static ulong PairAddress(Op op) =>
            (op.Value & 3) == 0 ? DataBase + (ulong)op.Page * 4096 + 4096 - (ulong)PairSize(op) : op.Pa & ~(ulong)(PairSize(op) - 1);

        /// <summary>Same observable state (<see cref="CacheModelSnapshot.Of"/>, the data of every cache included).</summary>
        public bool SameAs(Machine other) =>
            CacheModelSnapshot.Of(Model, Ram, DataBase, Pages * 4096) == CacheModelSnapshot.Of(other.Model, other.Ram, DataBase, Pages * 4096);

        /// <summary>True when Ram's count of cached lines of every data page equals the valid lines the caches hold.</summary>
        public bool PageCountsExact()
        {
            for (int p = 0; p < Pages; p++)
            {
                ulong page = (DataBase >> 12) + (ulong)p;
                int held = Model.AllCaches.Sum(c => c.Tags.Count(t => t != Cache.InvalidTag && t >> 6 == page));
                if (Ram.CachedLines(page << 12) != held) return false;
            }
            return true;
        }
    }

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency(
            (6, Gen.Constant(OpKind.CpuRead)), (6, Gen.Constant(OpKind.CpuWrite)), (2, Gen.Constant(OpKind.CpuCacheableFill)),
            (1, Gen.Constant(OpKind.HostWrite)), (2, Gen.Constant(OpKind.EvictEverywhere)), (1, Gen.Constant(OpKind.Civac)),
            (3, Gen.Constant(OpKind.CpuPairRead)), (3, Gen.Constant(OpKind.CpuPairWrite)))
        from page in Gen.Choose(0, Pages - 1)
        from sizeLog in Gen.Choose(0, 3)
        from slot in Gen.Choose(0, 31)            // a few lines per page, so accesses meet cached lines
        from value in CacheModelSnapshot.Word
        select new Op(kind, page, slot * 8 + (slot % 8 * (1 << sizeLog)) % 8, 1 << sizeLog, value);

    /// <summary>Cortex-A57 L1s with a 64 KiB L2 (the property builds two machines per case).</summary>
    private static readonly CacheConfig[] Configs =
    {
        CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(65536, 16) },
        CacheConfig.CortexA57(1) with { L2 = new CacheGeometry(65536, 16), NonCacheableHit = NonCacheableHitPolicy.ReturnCached, Dic = true },
        CacheConfig.CortexA57(1) with { L1D = new CacheGeometry(4096, 1), L2 = new CacheGeometry(8192, 1) },
    };

    [Fact]
    public void DirectAccesses_LeaveTheSameState_AsRequestsThroughTheModel()
    {
        var arb = (from config in Gen.Elements(Configs) from ops in OpGen.ArrayOf() select (config, ops)).ToArbitrary();
        Prop.ForAll(arb, t =>
        {
            var direct = new Machine(direct: true, t.config);
            var reference = new Machine(direct: false, t.config);
            foreach (var op in t.ops)
            {
                if (direct.Execute(op) != reference.Execute(op)) return false;
                if (!direct.PageCountsExact() || !reference.PageCountsExact()) return false;
            }
            return direct.SameAs(reference);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void CPU_PAIR_1_ADirectPair_CountsTwoDirectAccesses_AndAPairOverAPageEndIsTwoRequests()
    {
        var m = new Machine(direct: true, CacheConfig.CortexA57(1));
        var counter = (IDirectAccessCounter)m.Cpu;
        m.Cpu.WritePair(DataBase + 16, 8, 0x1111, 0x2222);               // the first element fills the TLB (a request)
        m.Cpu.WritePair(DataBase + 32, 8, 0x3333, 0x4444);              // one probe, two direct writes
        m.Cpu.ReadPair(DataBase + 16, 8, out ulong a, out ulong b);
        m.Cpu.ReadPair(DataBase + 36, 4, out ulong c, out ulong d);
        Assert.Equal((0x1111UL, 0x2222UL, 0UL, 0x4444UL), (a, b, c, d));
        Assert.Equal((4L, 3L), (counter.DirectReads, counter.DirectWrites));
        Assert.Equal((4L, 4L), (m.Model.Statistics.NonCacheableReads, m.Model.Statistics.NonCacheableWrites));

        // Over the page end: each element on its own, the second a request that fills the next page's TLB entry.
        m.Cpu.ReadPair(DataBase + 4096 - 8, 8, out a, out b);
        Assert.Equal((5L, 6L), (counter.DirectReads, m.Model.Statistics.NonCacheableReads));
    }

    [Fact]
    public void MmuOffReads_GoDirect_UntilThePageGetsACachedLine()
    {
        var m = new Machine(direct: true, CacheConfig.CortexA57(1));
        var counter = (IDirectAccessCounter)m.Cpu;
        m.Ram.WriteRaw(DataBase + 8, 8, 0x1122_3344_5566_7788);
        Assert.Equal(0x1122_3344_5566_7788UL, m.Cpu.Read(DataBase + 8, 8));
        Assert.Equal(0x1122_3344_5566_7788UL, m.Cpu.Read(DataBase + 8, 8));
        Assert.Equal(1, counter.DirectReads);              // the first read filled the TLB through the slow path
        Assert.Equal(2, m.Model.Statistics.NonCacheableReads);

        // A cacheable fill of a line of the page: the TLB entry loses its fast bits, and the next Device read is a
        // request that finds the cached line (a Non-cacheable hit, C7).
        m.Model.SpeculativeFill(0, DataBase + 64, Wb);
        Assert.Equal(2, m.Ram.CachedLines(DataBase));       // the L1D and the L2 each hold the line
        Assert.Equal(0x1122_3344_5566_7788UL, m.Cpu.Read(DataBase + 8, 8));
        m.Cpu.Read(DataBase + 64, 8);
        Assert.Equal(1, counter.DirectReads);
        Assert.Equal(4, m.Model.Statistics.NonCacheableReads);
        Assert.Equal(1, m.Model.Statistics.NonCacheableHits);

        m.Model.Statistics.Reset();
        Assert.Equal(0, m.Model.Statistics.NonCacheableReads);
    }
}
