using Arm64Vm.Memory.Caches;
using Arm64Vm.TestSupport;

namespace Arm64Vm.Memory.Tests;

/// <summary>The witness of a coherence property's counterexample: the first read that misses the newest write.</summary>
public static class StaleReads
{
    /// <summary>How a witness names the op at <paramref name="index"/> of a program.</summary>
    public static string Describe(int index, Op op) => $"op {index}: {op.ToString().TrimStart('~', ' ')}";

    /// <summary>
    /// Runs a program; returns the first read or fetch of a word <paramref name="checkWord"/> selects that does not
    /// return the newest value written to it (by any agent, any attributes; 0 initially; DC ZVA writes zeros), with
    /// the values the word held before. Null when every such read is fresh.
    /// </summary>
    public static StaleRead? First(ModelFixture f, Program p, Func<int, bool>? checkWord = null)
    {
        var history = new List<(ulong Value, string Writer)>[ModelFixture.Words];
        for (int w = 0; w < history.Length; w++) history[w] = new() { (0, "initial memory") };
        for (int i = 0; i < p.Ops.Length; i++)
        {
            var op = p.Ops[i];
            ulong? v = OpRunner.Execute(f, op, i);
            if (op.Kind == OpKind.Write) history[op.Word].Add((OpRunner.ValueOf(i), Describe(i, op)));
            if (op.Kind == OpKind.Cmo && op.Cmo == CacheMaintenanceOp.DcZva)
                for (int w = op.Word / 2 * 2; w < op.Word / 2 * 2 + 2; w++) history[w].Add((0, Describe(i, op)));
            if (!v.HasValue || (checkWord != null && !checkWord(op.Word))) continue;
            var h = history[op.Word];
            if (v.Value != h[^1].Value)
                return new StaleRead(Describe(i, op), ModelFixture.Pa(op.Word), v.Value, h[^1].Value, h[^1].Writer,
                    h.Take(h.Count - 1).Select(x => x.Value).ToArray());
        }
        return null;
    }
}
