using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static Arm64Vm.Memory.Tests.PropertyHelpers;

namespace Arm64Vm.Memory.Tests;

/// <summary>
/// The invariants of specs/coherence-invariants.md, one property each (the id is in the test name), 1,000 cases
/// each, over generated operation lists that shrink to a minimal program, each run on a configuration drawn from
/// <see cref="ModelFixture.Configs"/> (PoU at every legal level, inclusive and non-inclusive L2s with fewer or more
/// ways than the L1s, with or without a system cache, 1-way caches, one or two clusters).
/// </summary>
public class CoherenceInvariantTests
{
    /// <summary>All-cacheable (Normal WB ISH) traffic of the inner domain and the I/O-coherent master, with fills and evictions.</summary>
    private static (int, Gen<Op>)[] CoherentTraffic() => new[]
    {
        (4, OpGen.Read(Gen.Elements(0, 1, 2, 3, ModelFixture.Host, ModelFixture.Dma), Gen.Constant(Attr.WB))),
        (4, OpGen.Write(Gen.Elements(0, 1, 2, 3, ModelFixture.Host, ModelFixture.Dma), Gen.Constant(Attr.WB))),
        (2, OpGen.Fill),
        (2, OpGen.Evict),
        (1, from a in OpGen.Cpu select new Op(OpKind.Dsb, a, 0)),
    };

    private static readonly (bool Idc, bool Dic)[] CtrBits = { (false, false), (true, false), (false, true), (true, true) };

    [Fact]
    public void C1_NoValueOutOfThinAir()
    {
        foreach (var (idc, dic) in CtrBits)
            MustHoldEverywhere(ModelFixture.Configs(idc, dic, anyNcHitPolicy: true), OpGen.Anything(), (f, p) =>
            {
                var written = Enumerable.Range(0, ModelFixture.Words).Select(_ => new HashSet<ulong> { 0 }).ToArray();
                for (int i = 0; i < p.Ops.Length; i++)
                {
                    var op = p.Ops[i];
                    if (op.Kind == OpKind.Write) written[op.Word].Add(OpRunner.ValueOf(i));
                    ulong? v = OpRunner.Execute(f, op, i);
                    if (v.HasValue && !written[op.Word].Contains(v.Value)) return false;
                }
                return true;
            });
    }

    [Fact]
    public void C2_AliasesWithIdenticalAttributesBehaveIdentically()
    {
        // The model is physically indexed and tagged: two VAs of one PA reach it as the same PA. What can still
        // differ between two aliases with the same type, cacheability and shareability are the allocation and
        // transient hints: a program using either alias must give the same results and leave the same state.
        var arb = OpGen.Programs(
            (4, OpGen.Read(OpGen.CachedAgent, Gen.Elements(Attr.WB, Attr.WBAlias))),
            (4, OpGen.Write(OpGen.CachedAgent, Gen.Elements(Attr.WB, Attr.WBAlias))),
            (1, OpGen.Cmo(OpGen.CachedAgent, Gen.Elements(Attr.WB, Attr.WBAlias), CacheMaintenanceOp.DcCvac, CacheMaintenanceOp.DcCivac)),
            (2, OpGen.Fill),
            (2, OpGen.Evict));
        MustHoldEverywhere(ModelFixture.Configs(false, false), arb, (a, p) =>
        {
            using var b = new ModelFixture(a.Model.Caches);
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                var canonical = op.Attr == Attr.WBAlias ? op with { Attr = Attr.WB } : op;
                if (OpRunner.Execute(a, op, i) != OpRunner.Execute(b, canonical, i)) return false;
            }
            var sa = Take(a);
            var sb = Take(b);
            return sa.Tags.Zip(sb.Tags).All(t => t.First.SequenceEqual(t.Second))
                && sa.States.Zip(sb.States).All(t => t.First.SequenceEqual(t.Second))
                && sa.Data.Zip(sb.Data).All(t => t.First.SequenceEqual(t.Second))
                && sa.Memory.SequenceEqual(sb.Memory);
        });
    }

    [Fact]
    public void C3_AllCacheableTrafficInOneDomainEqualsFlatMemory()
    {
        foreach (var (idc, dic) in CtrBits)
            MustHoldEverywhere(ModelFixture.Configs(idc, dic), OpGen.Programs(CoherentTraffic()), (f, p) => ReadsSeeLatestWrite(f, p));
    }

    [Fact]
    public void C4_CleanToPoCLeavesNewestValueInMemory()
    {
        var ops = CoherentTraffic().Append((3, OpGen.Cmo(OpGen.CachedAgent, Gen.Constant(Attr.WB),
            CacheMaintenanceOp.DcCvac, CacheMaintenanceOp.DcCivac, CacheMaintenanceOp.DcCvap, CacheMaintenanceOp.DcCvau))).ToArray();
        MustHoldEverywhere(ModelFixture.Configs(false, false), OpGen.Programs(ops), (f, p) =>
        {
            var reference = new ulong[ModelFixture.Words];
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                ulong? v = OpRunner.Execute(f, op, i);
                if (op.Kind == OpKind.Write) reference[op.Word] = OpRunner.ValueOf(i);
                if (v.HasValue && v.Value != reference[op.Word]) return false;
                if (op.Kind == OpKind.Cmo && op.Cmo is CacheMaintenanceOp.DcCvac or CacheMaintenanceOp.DcCivac or CacheMaintenanceOp.DcCvap)
                {
                    f.Model.Barrier(op.Agent, MemoryBarrierKind.Dsb);
                    int first = op.Word / 2 * 2;
                    for (int w = first; w < first + 2; w++)
                        if (f.Model.PeekMemory(ModelFixture.Pa(w), 8) != reference[w]) return false;
                }
            }
            return true;
        });
    }

    [Fact]
    public void C5_InvalidateToPoCLeavesNoCopyInTheDomain()
    {
        var ops = CoherentTraffic().Append((3, OpGen.Cmo(OpGen.CachedAgent, Gen.Elements(Attr.WB, Attr.NC),
            CacheMaintenanceOp.DcCivac, CacheMaintenanceOp.DcIvac))).ToArray();
        MustHoldEverywhere(ModelFixture.Configs(false, false), OpGen.Programs(ops), (f, p) =>
        {
            var reference = new ulong[ModelFixture.Words];
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                ulong? v = OpRunner.Execute(f, op, i);
                if (op.Kind == OpKind.Write) reference[op.Word] = OpRunner.ValueOf(i);
                if (v.HasValue && v.Value != reference[op.Word]) return false;
                if (op.Kind != OpKind.Cmo) continue;
                ulong pa = ModelFixture.Pa(op.Word);
                if (f.Model.Holders(pa).Any(c => c.Kind != CacheKind.Instruction)) return false;
                int first = op.Word / 2 * 2;
                for (int w = first; w < first + 2; w++)
                {
                    ulong mem = f.Model.PeekMemory(ModelFixture.Pa(w), 8);
                    // CIVAC never loses data; IVAC may, and then memory's value is the line's value.
                    if (op.Cmo == CacheMaintenanceOp.DcCivac && mem != reference[w]) return false;
                    reference[w] = mem;
                }
            }
            return true;
        });
    }

    /// <summary>
    /// Programs that follow the documented protocol (2.7): a message is written by one agent and read by another,
    /// each with cacheable (WB) or non-cacheable (NC) attributes; WB writer to NC reader: writer DC CVAC; NC writer:
    /// DC CIVAC before writing; WB reader after an NC writer: DC CIVAC before reading.
    /// </summary>
    private static Op[] Protocol((int Writer, Attr WAttr, int Reader, Attr RAttr, int Word)[] messages)
    {
        var ops = new List<Op>();
        foreach (var m in messages)
        {
            if (m.WAttr == Attr.NC) ops.Add(new Op(OpKind.Cmo, m.Writer, m.Word, Attr.NC, CacheMaintenanceOp.DcCivac));
            ops.Add(new Op(OpKind.Write, m.Writer, m.Word, m.WAttr));
            if (m.WAttr == Attr.WB && m.RAttr == Attr.NC) ops.Add(new Op(OpKind.Cmo, m.Writer, m.Word, Attr.WB, CacheMaintenanceOp.DcCvac));
            ops.Add(new Op(OpKind.Dsb, m.Writer, 0));
            if (m.WAttr == Attr.NC && m.RAttr == Attr.WB) ops.Add(new Op(OpKind.Cmo, m.Reader, m.Word, Attr.WB, CacheMaintenanceOp.DcCivac));
            ops.Add(new Op(OpKind.Read, m.Reader, m.Word, m.RAttr));
        }
        return ops.ToArray();
    }

    [Fact]
    public void C6_SpeculativeFillsAndEvictionsNeverChangeAProtocolFollowingProgram()
    {
        var message = from w in OpGen.CachedAgent from wa in Gen.Elements(Attr.WB, Attr.NC)
                      from r in OpGen.CachedAgent from ra in Gen.Elements(Attr.WB, Attr.NC)
                      from word in OpGen.Word select (w, wa, r, ra, word);
        var injection = Gen.Frequency((3, OpGen.Fill), (3, OpGen.Evict));
        var gen = from msgs in Gen.NonEmptyListOf(message)
                  let core = Protocol(msgs.Take(6).ToArray())
                  from p in Interleave(core, injection)
                  select p;
        var arb = Arb.From(gen, OpGen.Shrink);
        MustHoldEverywhere(ModelFixture.Configs(false, false), arb, (f, p) =>
        {
            var reference = new ulong[ModelFixture.Words];
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                ulong pa = ModelFixture.Pa(op.Word);
                int dirtyBefore = f.Model.DirtyCopies(pa);
                ulong? v = OpRunner.Execute(f, op, i);
                if (op.Kind == OpKind.Write) reference[op.Word] = OpRunner.ValueOf(i);
                if (v.HasValue && v.Value != reference[op.Word]) return false;
                // Fills and evictions never create dirty data.
                if (op.Kind is OpKind.Fill or OpKind.Evict && f.Model.DirtyCopies(pa) > dirtyBefore) return false;
            }
            return true;
        });
    }

    [Fact]
    public void C7_NonCacheableReadsReturnMemory_NonCacheableWritesNeverAllocate()
    {
        var returnMemory = ModelFixture.Configs(false, false).Select(c => c with { NonCacheableHit = NonCacheableHitPolicy.ReturnMemory });
        MustHoldEverywhere(returnMemory, OpGen.Anything(), (f, p) =>
        {
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                bool nc = op.Attr is Attr.NC or Attr.Dev || op.Agent == ModelFixture.DmaNc;
                ulong memBefore = f.Model.PeekMemory(ModelFixture.Pa(op.Word), 8);
                var before = nc && op.Kind == OpKind.Write ? Take(f) : null;
                ulong? v = OpRunner.Execute(f, op, i);
                if (!nc) continue;
                if (op.Kind == OpKind.Read && v != memBefore) return false;
                if (op.Kind == OpKind.Write)
                {
                    var after = Take(f);
                    if (!before!.Tags.Zip(after.Tags).All(t => t.First.SequenceEqual(t.Second))) return false;
                    if (!before.States.Zip(after.States).All(t => t.First.SequenceEqual(t.Second))) return false;
                }
            }
            return true;
        });
        // "Unexpected hit" policy: the value is memory's or that of a copy in the reader's caches.
        var returnCached = ModelFixture.Configs(false, false).Select(c => c with { NonCacheableHit = NonCacheableHitPolicy.ReturnCached });
        MustHoldEverywhere(returnCached, OpGen.Anything(), (f, p) =>
        {
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                ulong pa = ModelFixture.Pa(op.Word);
                ulong mem = f.Model.PeekMemory(pa, 8);
                var cached = f.Model.Holders(pa).Where(c => c.Kind != CacheKind.Instruction)
                    .Select(c => BitConverter.ToUInt64(c.Data[(c.Find(pa >> 6) * 64 + (int)(pa & 63))..])).ToHashSet();
                ulong? v = OpRunner.Execute(f, op, i);
                if (op.Kind == OpKind.Read && op.Attr is Attr.NC or Attr.Dev && v != mem && !cached.Contains(v!.Value)) return false;
            }
            return true;
        });
    }

    [Fact]
    public void C8_InstructionFetchesSeeOnlyPoUValuesSinceTheLastInvalidation()
    {
        var arb = OpGen.Programs(
            (3, OpGen.Write(Gen.Elements(0, 1, 2, 3, ModelFixture.Host), Gen.Constant(Attr.WB))),
            (2, OpGen.Cmo(OpGen.Cpu, Gen.Constant(Attr.WB), CacheMaintenanceOp.DcCvau, CacheMaintenanceOp.DcCvac, CacheMaintenanceOp.IcIvau)),
            (1, from a in OpGen.Cpu from b in Gen.Elements(false, true) select new Op(OpKind.IcIallu, a, 0, Broadcast: b)),
            (4, OpGen.Fetch),
            (2, OpGen.Read(OpGen.CachedAgent, Gen.Constant(Attr.WB))),
            (2, OpGen.Fill),
            (2, OpGen.Evict));
        // The value at PoU: with IDC=1 every write of the inner domain is visible there without cleaning (Arm ARM
        // (DDI 0487K.a) section D24.2, CTR_EL0.IDC), so it is the latest write, whatever the model's snoop lists
        // say; with IDC=0 it depends on which cleans were made, and the model's own view (PeekAtPoU) is taken.
        foreach (var (idc, dic) in CtrBits)
            MustHoldEverywhere(ModelFixture.Configs(idc, dic), arb, (f, p) =>
                {
                    int cpus = ModelFixture.Cpus.Length;
                    var latest = new ulong[ModelFixture.Words];
                    ulong PoU(int cpu, int word) => idc ? latest[word] : f.Model.PeekAtPoU(cpu, ModelFixture.Pa(word), 8);
                    var window = new HashSet<ulong>[cpus, ModelFixture.Words];
                    for (int c = 0; c < cpus; c++)
                        for (int w = 0; w < ModelFixture.Words; w++) window[c, w] = new HashSet<ulong> { 0 };
                    for (int i = 0; i < p.Ops.Length; i++)
                    {
                        var op = p.Ops[i];
                        ulong pou = op.Kind == OpKind.Fetch ? PoU(op.Agent, op.Word) : 0;
                        ulong? v = OpRunner.Execute(f, op, i);
                        if (op.Kind == OpKind.Write) latest[op.Word] = OpRunner.ValueOf(i);
                        if (op.Kind == OpKind.Fetch)
                        {
                            if (dic ? v != pou : !window[op.Agent, op.Word].Contains(v!.Value)) return false;
                        }
                        // An invalidation restarts the window of what may still be fetched.
                        for (int c = 0; c < cpus; c++)
                            for (int w = 0; w < ModelFixture.Words; w++)
                            {
                                bool invalidated = (op.Kind == OpKind.Cmo && op.Cmo == CacheMaintenanceOp.IcIvau && w / 2 == op.Word / 2)
                                    || (op.Kind == OpKind.IcIallu && (op.Broadcast || op.Agent == c));
                                if (invalidated) window[c, w].Clear();
                                window[c, w].Add(PoU(c, w));
                            }
                    }
                    return true;
                });
    }

    [Fact]
    public void C8_CodeWrittenWithTheDocumentedSequenceIsFetched()
    {
        foreach (var (idc, dic) in CtrBits)
        {
            var core = new List<Op> { new(OpKind.Fetch, 1, 0), new(OpKind.Write, 0, 0) };
            if (!idc) core.Add(new Op(OpKind.Cmo, 0, 0, Attr.WB, CacheMaintenanceOp.DcCvau));
            core.Add(new Op(OpKind.Dsb, 0, 0));
            if (!dic) core.Add(new Op(OpKind.Cmo, 0, 0, Attr.WB, CacheMaintenanceOp.IcIvau));
            core.Add(new Op(OpKind.Fetch, 1, 0));
            core.Add(new Op(OpKind.Fetch, 2, 0));
            var arb = Arb.From(Interleave(core.ToArray(), Noise(fetches: true)), OpGen.Shrink);
            MustHoldEverywhere(ModelFixture.Configs(idc, dic), arb, (f, p) => ReadsSeeLatestWrite(f, p, w => w < 2));
        }
    }

    [Fact]
    public void C9_SetWayOperationsAffectOnlyTheExecutingCpuAtTheNamedLevel()
    {
        MustHoldEverywhere(ModelFixture.Configs(false, false), OpGen.Anything(), (f, p) =>
        {
            for (int i = 0; i < p.Ops.Length; i++)
            {
                var op = p.Ops[i];
                if (op.Kind != OpKind.SetWay) { OpRunner.Execute(f, op, i); continue; }
                var target = f.Model.DataCacheOf(op.Agent, op.Level)!;
                ulong line = op.Set < target.Sets && op.Way < target.Ways ? target.Tags[op.Set * target.Ways + op.Way] : Cache.InvalidTag;
                var before = Take(f);
                OpRunner.Execute(f, op, i);
                var after = Take(f);
                for (int c = 0; c < f.Model.AllCaches.Count; c++)
                {
                    if (f.Model.AllCaches[c] == target) continue;
                    for (int k = 0; k < before.Tags[c].Length; k++)
                    {
                        if (before.Tags[c][k] != after.Tags[c][k]) return false;
                        bool receivedWriteBack = before.Tags[c][k] == line && after.States[c][k] == LineState.Dirty;
                        if (before.States[c][k] != after.States[c][k] && !receivedWriteBack) return false;
                        if (!receivedWriteBack && !before.Data[c].AsSpan(k * 64, 64).SequenceEqual(after.Data[c].AsSpan(k * 64, 64))) return false;
                    }
                }
                for (int w = 0; w < ModelFixture.Words; w++)
                    if ((ModelFixture.Pa(w) >> 6) != line && before.Memory[w] != after.Memory[w]) return false;
            }
            return true;
        });
    }
}
