using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>One expectation that did not hold (or a run that ended the wrong way).</summary>
public sealed record Failure(string Step, string What, string Detail, string Location)
{
    public override string ToString() => $"{Step}: {What}: {Detail}";
}

/// <summary>What running one combination of a scenario gave.</summary>
public sealed class CombinationResult
{
    public required string Scenario { get; init; }
    public required string File { get; init; }
    public required Combination Combination { get; init; }
    /// <summary>Every expectation held and every run ended as its step said.</summary>
    public bool Passed => Failures.Count == 0;
    public bool ExpectedPass { get; set; } = true;
    /// <summary>Where the pinned result comes from ("expected row at file:line:col", or "no row: pass").</summary>
    public string ExpectedSource { get; set; } = "no expected row: every expectation must hold";
    public bool MatchesExpected => Passed == ExpectedPass;
    public List<Failure> Failures { get; } = new();
    public int ChecksRun { get; set; }
    public ulong Instructions { get; set; }
    public double HostSeconds { get; set; }
    public IReadOnlyDictionary<string, long> Counters { get; set; } = new Dictionary<string, long>();
    /// <summary>Runner figures beyond the host counters (pages-copied, migration-rounds, resets).</summary>
    public Dictionary<string, long> Extra { get; } = new();
    /// <summary>How each run step ended ("step 1: PSCI SYSTEM_RESET after 12,345 instructions").</summary>
    public List<string> Runs { get; } = new();
    public string Console { get; set; } = "";

    public string Result => Passed ? "pass" : "fail";
    public string FirstFailure => Failures.Count > 0 ? Failures[0].ToString() : "";

    public long Counter(string name) => name == "instructions" ? (long)Instructions : Counters.GetValueOrDefault(name);
}
