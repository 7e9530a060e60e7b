using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>What kind of thing went wrong: an expectation that did not hold, or the run itself.</summary>
public enum FailureKind
{
    /// <summary>An expectation of an expect step did not hold.</summary>
    Expectation,
    /// <summary>A run (or a migration's run) ended another way than its step said: an instruction limit, a guest error, an unexpected exit.</summary>
    Run,
    /// <summary>The emulator or the runner threw: never an expected result.</summary>
    HostError,
}

/// <summary>
/// One expectation that did not hold (or a run that ended the wrong way). <see cref="ExpectId"/> is the id of the expect
/// step it belongs to; <see cref="Observed"/> the value the expectation saw (the console output, a memory range's bytes
/// as hex, a counter, a register), which an expected row's <c>observed</c> is matched against.
/// </summary>
public sealed record Failure(string Step, string What, string Detail, string Location,
    FailureKind Kind = FailureKind.Expectation, string? ExpectId = null, string? Observed = null)
{
    public override string ToString() => $"{Step}: {What}: {Detail}";
}

/// <summary>What running one combination of a scenario gave.</summary>
public sealed class CombinationResult
{
    public required string Scenario { get; init; }
    public required string File { get; init; }
    public required Combination Combination { get; init; }
    /// <summary>Every expectation held and every run ended as its step said (false for a skipped combination).</summary>
    public bool Passed => SkipReason == null && Failures.Count == 0;
    /// <summary>Why the combination did not run (a fetched kernel is absent): neither pass nor fail, never a mismatch.</summary>
    public string? SkipReason { get; set; }
    public bool Skipped => SkipReason != null;
    /// <summary>C10: the stale pages per region of guest RAM, one line each (empty with the detector off).</summary>
    public List<string> StaleReads { get; set; } = new();
    public bool ExpectedPass => ExpectedFailure == null;
    /// <summary>The expected row's reason when it pins a failure; null when every expectation must hold.</summary>
    public ExpectedFailure? ExpectedFailure { get; set; }
    /// <summary>Where the pinned result comes from ("expected row at file:line:col", or "no row: pass").</summary>
    public string ExpectedSource { get; set; } = "no expected row: every expectation must hold";
    /// <summary>Why the result differs from the expected one (null when it matches): <see cref="Verdict.Mismatch"/>.</summary>
    public string? Mismatch => Verdict.Mismatch(this);
    public bool MatchesExpected => Mismatch == null;
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

    public string Result => Skipped ? "skip" : Passed ? "pass" : "fail";
    public string Expected => ExpectedFailure is { } f ? $"fail: {f}" : "pass";
    public string FirstFailure => Failures.Count > 0 ? Failures[0].ToString() : "";

    public long Counter(string name) => name == "instructions" ? (long)Instructions : Counters.TryGetValue(name, out long v) ? v : Extra.GetValueOrDefault(name);
}
