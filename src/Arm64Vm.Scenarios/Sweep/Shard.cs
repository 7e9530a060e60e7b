using System.Globalization;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Sweep;

/// <summary>
/// Part K of N of a plan of combinations (`--shard K/N`, K from 1): the combinations whose index in the whole plan
/// leaves remainder K-1 when divided by N. Deterministic (it depends on the plan alone, which the files fix) and
/// balanced: the parts differ by at most one combination, and since a matrix varies its last axis fastest, every part
/// gets its share of each policy's slow and fast runs. The union of the N parts is the plan, each combination once.
/// </summary>
public readonly record struct Shard(int K, int N)
{
    /// <summary>"2/5" → part 2 of 5; anything else is a located error naming the option.</summary>
    public static Shard Parse(string text, string option = "--shard")
    {
        var where = new SourceLocation($"{option} {text}", 0, 0);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new ScenarioException(where, "expected K/N, part K of N (example: 2/4)");
        if (n < 1 || k < 1 || k > n) throw new ScenarioException(where, $"K must be between 1 and N, and N at least 1 (got {k}/{n})");
        return new Shard(k, n);
    }

    /// <summary>Whether the combination at <paramref name="index"/> of the whole plan is in this part.</summary>
    public bool Includes(int index) => index % N == K - 1;

    /// <summary>This part's entries of a plan, each with its index in the whole plan.</summary>
    public IEnumerable<(int Index, T Item)> Of<T>(IEnumerable<T> plan)
    {
        var self = this;
        return plan.Select((item, i) => (i, item)).Where(p => self.Includes(p.i));
    }

    public override string ToString() => $"{K}/{N}";
}
