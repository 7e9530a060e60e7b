using Arm64Vm.Memory;
using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;

namespace Arm64Vm.Memory.Tests;

public enum OpKind { Read, Write, Fetch, Cmo, SetWay, IcIallu, Fill, Evict, Dsb }

/// <summary>One step of a generated program. ToString is what a shrunk counterexample prints.</summary>
public sealed record Op(OpKind Kind, int Agent, int Word, Attr Attr = Attr.WB, CacheMaintenanceOp Cmo = default,
    int Cache = 0, int Level = 1, int Set = 0, int Way = 0, bool Broadcast = false, bool Core = false)
{
    public override string ToString()
    {
        string who = ModelFixture.AgentName(Agent);
        string at = $"w{Word}(0x{ModelFixture.Pa(Word):X})";
        return (Core ? "" : "~ ") + Kind switch
        {
            OpKind.Read => $"{who} READ {Attr} {at}",
            OpKind.Write => $"{who} WRITE {Attr} {at}",
            OpKind.Fetch => $"{who} FETCH {at}",
            OpKind.Cmo => $"{who} {Cmo} {Attr} {at}",
            OpKind.SetWay => $"{who} {Cmo} L{Level} set {Set} way {Way}",
            OpKind.IcIallu => $"{who} {(Broadcast ? "IC IALLUIS" : "IC IALLU")}",
            OpKind.Fill => $"{who} speculative-fill {at}",
            OpKind.Evict => Cache < 0 ? $"evict everywhere {at}" : $"evict cache#{Cache} {at}",
            _ => $"{who} DSB",
        };
    }
}

/// <summary>A generated op list; prints one op per line so a counterexample reads as a program.</summary>
public sealed record Program(Op[] Ops)
{
    public override string ToString() =>
        "\n" + string.Join("\n", Ops.Select((o, i) => $"  {i,2}: {o}")) + "\n";
}

/// <summary>Generators and the shrinker of op lists.</summary>
public static class OpGen
{
    /// <summary>Every cache maintenance by address.</summary>
    public static readonly CacheMaintenanceOp[] AllByAddress =
    {
        CacheMaintenanceOp.DcCivac, CacheMaintenanceOp.DcCvac, CacheMaintenanceOp.DcIvac, CacheMaintenanceOp.DcCvau,
        CacheMaintenanceOp.DcCvap, CacheMaintenanceOp.DcZva, CacheMaintenanceOp.IcIvau,
    };

    public static readonly Gen<int> Word = Gen.Choose(0, ModelFixture.Words - 1);
    public static readonly Gen<int> CachedAgent = Gen.Elements(ModelFixture.CachedAgents);
    public static readonly Gen<int> Cpu = Gen.Elements(ModelFixture.Cpus);
    public static readonly Gen<int> AnyAgent = Gen.Elements(0, 1, 2, 3, ModelFixture.Host, ModelFixture.Dma, ModelFixture.DmaNc);
    public static readonly Gen<Attr> AnyAttr = Gen.Elements(Attr.WB, Attr.NC, Attr.Dev, Attr.WBNSH);
    /// <summary>Cache index for Evict ops (taken modulo the number of caches).</summary>
    public static readonly Gen<int> CacheIdx = Gen.Choose(0, 63);

    public static Gen<Op> Read(Gen<int> agent, Gen<Attr> attr) =>
        from a in agent from w in Word from t in attr select new Op(OpKind.Read, a, w, t);
    public static Gen<Op> Write(Gen<int> agent, Gen<Attr> attr) =>
        from a in agent from w in Word from t in attr select new Op(OpKind.Write, a, w, t);
    public static Gen<Op> Fill =>
        from a in CachedAgent from w in Word select new Op(OpKind.Fill, a, w);
    public static Gen<Op> Evict =>
        from c in CacheIdx from w in Word select new Op(OpKind.Evict, 0, w, Cache: c);
    public static Gen<Op> Cmo(Gen<int> agent, Gen<Attr> attr, params CacheMaintenanceOp[] ops) =>
        from a in agent from w in Word from t in attr from op in Gen.Elements(ops) select new Op(OpKind.Cmo, a, w, t, op);
    public static Gen<Op> Fetch => from a in Cpu from w in Word select new Op(OpKind.Fetch, a, w);
    public static Gen<Op> SetWay =>
        from a in Cpu from lvl in Gen.Choose(1, 2) from s in Gen.Choose(0, 1) from way in Gen.Choose(0, 3)
        from op in Gen.Elements(CacheMaintenanceOp.DcIsw, CacheMaintenanceOp.DcCsw, CacheMaintenanceOp.DcCisw)
        select new Op(OpKind.SetWay, a, 0, Cmo: op, Level: lvl, Set: s, Way: way);

    /// <summary>Programs of 1..40 ops drawn from weighted generators.</summary>
    public static Arbitrary<Program> Programs(params (int Weight, Gen<Op> Gen)[] ops) =>
        Arb.From(Gen.Frequency(ops.Select(o => (o.Weight, o.Gen)).ToArray()).ArrayOf()
                .Select(a => new Program(a.Length > 40 ? a[..40] : a)),
            Shrink);

    /// <summary>Every kind of op, every agent, every attribute alias.</summary>
    public static Arbitrary<Program> Anything() => Programs(
        (4, Read(AnyAgent, AnyAttr)),
        (4, Write(AnyAgent, AnyAttr)),
        (2, Cmo(CachedAgent, AnyAttr, AllByAddress)),
        (1, SetWay),
        (2, Fetch),
        (1, from a in Cpu from b in Gen.Elements(false, true) select new Op(OpKind.IcIallu, a, 0, Broadcast: b)),
        (2, Fill),
        (2, Evict));

    /// <summary>Shrinks by dropping halves, then single ops: minimal counterexamples keep only the ops that matter.</summary>
    /// <remarks>Ops marked <see cref="Op.Core"/> (the program under test in a hazard family) are never dropped.</remarks>
    public static IEnumerable<Program> Shrink(Program p)
    {
        var ops = p.Ops;
        int cores = ops.Count(o => o.Core);
        if (ops.Length > 1)
        {
            var halves = new[] { ops[..(ops.Length / 2)], ops[(ops.Length / 2)..] };
            foreach (var h in halves)
                if (h.Count(o => o.Core) == cores) yield return new Program(h);
        }
        for (int i = 0; i < ops.Length; i++)
            if (!ops[i].Core) yield return new Program(ops.Take(i).Concat(ops.Skip(i + 1)).ToArray());
    }

    public static Config Thousand => Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true);
}

/// <summary>Runs ops on a fixture. Write values are unique per op (0x1000 + op index) so reads identify their writer.</summary>
public static class OpRunner
{
    public static ulong ValueOf(int index) => 0x1000UL + (ulong)index;

    /// <summary>Executes one op; returns the value for reads and fetches.</summary>
    public static ulong? Execute(ModelFixture f, Op op, int index)
    {
        var m = f.Model;
        switch (op.Kind)
        {
            case OpKind.Read: return f.Read(op.Agent, op.Word, op.Attr);
            case OpKind.Fetch: return f.Read(op.Agent, op.Word, Attr.WB, AccessKind.Fetch);
            case OpKind.Write: f.Write(op.Agent, op.Word, op.Attr, ValueOf(index)); return null;
            case OpKind.Cmo:
                if (op.Cmo == CacheMaintenanceOp.DcZva) m.ZeroBlock(op.Agent, ModelFixture.LinePa(op.Word), 64, ModelFixture.Attrs(op.Attr));
                else f.Cmo(op.Agent, op.Cmo, op.Word, op.Attr);
                return null;
            case OpKind.SetWay: m.MaintainBySetWay(op.Agent, op.Cmo, op.Level, op.Set, op.Way); return null;
            case OpKind.IcIallu: m.InvalidateInstructionCaches(op.Agent, op.Broadcast); return null;
            case OpKind.Fill: m.SpeculativeFill(op.Agent, ModelFixture.Pa(op.Word), ModelFixture.Attrs(Attr.WB)); return null;
            case OpKind.Evict:
                if (op.Cache < 0) m.EvictEverywhere(ModelFixture.Pa(op.Word));
                else m.Evict(m.AllCaches[op.Cache % m.AllCaches.Count], ModelFixture.Pa(op.Word));
                return null;
            default: m.Barrier(op.Agent, MemoryBarrierKind.Dsb); return null;
        }
    }
}
