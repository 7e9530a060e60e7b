using Arm64Vm.Memory.Caches;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Xunit.Abstractions;

namespace Arm64Vm.Memory.Tests;

/// <summary>Shared machinery of the coherence properties: reference memory, snapshots, program families.</summary>
public static class PropertyHelpers
{
    /// <summary>
    /// Runs a program and checks that every read and fetch returns the latest value written to its word (by any
    /// agent, any attributes; 0 initially), for the words <paramref name="checkWord"/> selects. Returns false at the first stale read. ZVA writes zeros; IVAC is not used.
    /// </summary>
    public static bool ReadsSeeLatestWrite(ModelFixture f, Program p, Func<int, bool>? checkWord = null)
    {
        var reference = new ulong[ModelFixture.Words];
        for (int i = 0; i < p.Ops.Length; i++)
        {
            var op = p.Ops[i];
            ulong? v = OpRunner.Execute(f, op, i);
            if (op.Kind == OpKind.Write) reference[op.Word] = OpRunner.ValueOf(i);
            if (op.Kind == OpKind.Cmo && op.Cmo == CacheMaintenanceOp.DcZva)
                for (int w = op.Word / 2 * 2; w < op.Word / 2 * 2 + 2; w++) reference[w] = 0;
            if (v.HasValue && (checkWord == null || checkWord(op.Word)) && v.Value != reference[op.Word]) return false;
        }
        return true;
    }

    /// <summary>Places the core ops, in order, between randomly generated noise ops.</summary>
    public static Gen<Program> Interleave(Op[] core, Gen<Op> noise) =>
        from n in noise.ArrayOf()
        let noiseOps = n.Length > 12 ? n[..12] : n
        from cuts in Gen.Choose(0, noiseOps.Length).ArrayOf(core.Length)
        select Merge(core.Select(o => o with { Core = true }).ToArray(), noiseOps, cuts.OrderBy(c => c).ToArray());

    private static Program Merge(Op[] core, Op[] noise, int[] cuts)
    {
        var list = new List<Op>();
        int k = 0;
        for (int i = 0; i <= noise.Length; i++)
        {
            while (k < core.Length && cuts[k] == i) list.Add(core[k++]);
            if (i < noise.Length) list.Add(noise[i]);
        }
        return new Program(list.ToArray());
    }

    /// <summary>Noise that never touches words 0 and 1 (the target line) except by clean fills and evictions. Printed with "~".</summary>
    public static Gen<Op> Noise(bool fetches = false)
    {
        var otherWord = Gen.Choose(2, ModelFixture.Words - 1);
        var gens = new List<(int, Gen<Op>)>
        {
            (3, OpGen.Fill),
            (3, OpGen.Evict),
            (1, from c in Gen.Constant(-1) from w in OpGen.Word select new Op(OpKind.Evict, 0, w, Cache: c)),
            (2, from a in OpGen.CachedAgent from w in otherWord select new Op(OpKind.Read, a, w, Attr.WB)),
            (2, from a in OpGen.CachedAgent from w in otherWord select new Op(OpKind.Write, a, w, Attr.WB)),
            (1, from a in OpGen.Cpu select new Op(OpKind.Dsb, a, 0)),
        };
        if (fetches) gens.Add((2, from a in OpGen.Cpu from w in otherWord select new Op(OpKind.Fetch, a, w)));
        return Gen.Frequency(gens.ToArray());
    }

    /// <summary>1,000 cases that must all pass.</summary>
    public static void MustHold(Arbitrary<Program> arb, Func<Program, bool> property) =>
        Check.One(OpGen.Thousand, Prop.ForAll(arb, property));

    /// <summary>A drawn configuration and a program to run on it; prints both (the configuration in one line).</summary>
    public sealed record Case(CacheConfig Config, Program Program)
    {
        public override string ToString() => $"\n  config: {ModelFixture.Describe(Config)}{Program}";
    }

    /// <summary>
    /// 1,000 cases that must all pass, each a program on a configuration drawn from <paramref name="configs"/>
    /// (<see cref="ModelFixture.Configs"/>). Shrinking keeps the configuration and shrinks the program.
    /// </summary>
    public static void MustHoldEverywhere(Gen<CacheConfig> configs, Arbitrary<Program> programs, Func<ModelFixture, Program, bool> property)
    {
        var arb = Arb.From(
            from c in configs from p in programs.Generator select new Case(c, p),
            k => programs.Shrinker(k.Program).Select(p => new Case(k.Config, p)));
        Check.One(OpGen.Thousand, Prop.ForAll(arb, k =>
        {
            using var f = new ModelFixture(k.Config);
            return property(f, k.Program);
        }));
    }

    /// <summary>FsCheck must find (and shrink) a counterexample; prints it. Fails the test if none is found.</summary>
    public static string MustFindCounterexample(ITestOutputHelper output, Arbitrary<Program> arb, Func<Program, bool> property)
    {
        var ex = Record.Exception(() => Check.One(OpGen.Thousand, Prop.ForAll(arb, property)));
        Assert.NotNull(ex);
        output.WriteLine(ex!.Message);
        return ex.Message;
    }

    /// <summary>Every cache's tags, states and data, plus the target words in memory.</summary>
    public sealed record Snapshot(ulong[][] Tags, LineState[][] States, byte[][] Data, ulong[] Memory);

    public static Snapshot Take(ModelFixture f) => new(
        f.Model.AllCaches.Select(c => c.Tags.ToArray()).ToArray(),
        f.Model.AllCaches.Select(c => c.Lines.Select(l => l.State).ToArray()).ToArray(),
        f.Model.AllCaches.Select(c => c.Data.ToArray()).ToArray(),
        Enumerable.Range(0, ModelFixture.Words).Select(w => f.Model.PeekMemory(ModelFixture.Pa(w), 8)).ToArray());
}
