using Arm64Vm.Scenarios.Model;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Running;

/// <summary>
/// Does a combination's result match its expected row? A pass must have no failure at all. An expected failure must be
/// the one the row names: the expect step <c>fails</c> has a failed expectation, every failure of the combination lies
/// in that step (a run that ended another way — an instruction limit, a guest exception, an unexpected exit — or a
/// host error, or another expectation failing, is a different reason, so a mismatch), and with <c>observed</c>, one of
/// that step's failed expectations observed a value containing it.
/// </summary>
public static class Verdict
{
    /// <summary>Null when the result matches; otherwise one line saying what was expected and what happened.</summary>
    public static string? Mismatch(CombinationResult r)
    {
        if (r.Skipped) return null;                       // neither pass nor fail: nothing to compare
        if (r.ExpectedFailure is not { } want)
            return r.Passed ? null : $"expected pass, but {Describe(r.Failures[0])}";
        if (r.Passed) return $"expected {want}, but every expectation held";
        var other = r.Failures.FirstOrDefault(f => f.Kind != FailureKind.Expectation || f.ExpectId != want.Fails);
        if (other != null) return $"expected {want}, but {Describe(other)}";
        if (want.Observed is { } text && !r.Failures.Any(f => Observes(f, text)))
            return $"expected {want}, but it observed {string.Join("; ", r.Failures.Select(f => $"'{Shorten(f.Observed ?? "", 120)}'"))}";
        return null;
    }

    /// <summary>The observed value contains the row's text (memory and disk bytes compare as hex bytes, however they are spaced).</summary>
    public static bool Observes(Failure f, string text)
    {
        if (f.Observed is not { } seen) return false;
        if ((f.What.StartsWith("memory", StringComparison.Ordinal) || f.What.StartsWith("disk", StringComparison.Ordinal)) && Scalars.TryParseHexBytes(text, out var bytes))
            text = HexBytes(bytes);
        return seen.Contains(text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"de ad be ef": how a memory expectation reports the bytes it read.</summary>
    public static string HexBytes(ReadOnlySpan<byte> bytes) => string.Join(" ", bytes.ToArray().Select(b => b.ToString("x2")));

    private static string Describe(Failure f) => f.Kind switch
    {
        FailureKind.Run => $"{f.Step} ended another way: {f.Detail}",
        FailureKind.HostError => $"{f.Step} hit a host error: {f.Detail}",
        _ => $"{(f.ExpectId is { } id ? $"'{id}'" : f.Step)} failed: {f.What}: {f.Detail}",
    };

    private static string Shorten(string s, int max)
    {
        s = s.Replace("\n", "\\n", StringComparison.Ordinal);
        return s.Length <= max ? s : "…" + s[^(max - 1)..];
    }
}
