using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>An evaluated expectation: what is wrong (null: it holds) and the value it observed.</summary>
internal readonly record struct CheckOutcome(string? Problem, string Observed);

internal sealed partial class CombinationRun
{
    private void Evaluate(ExpectStep step, Check check)
    {
        _result.ChecksRun++;
        var outcome = check switch
        {
            ConsoleCheck c => ConsoleProblem(c),
            ConsoleMatchCheck m => new(m.Pattern.IsMatch(_console.ToString()) ? null : $"no match in the console output{LastLine()}", _console.ToString()),
            CounterCheck c => CounterProblem(c),
            MemoryCheck m => MemoryProblem(m),
            RegisterCheck r => RegisterProblem(r),
            ExitStatusCheck e => new(_exitStatus == e.Status ? null
                : _exitStatus is { } s ? $"the guest exited with status {s}" : "the guest has not exited through semihosting", _exitStatus?.ToString() ?? "none"),
            MigrationCheck m => MigrationProblem(m),
            DiskCheck d => DiskProblem(d),
            _ => throw new InvalidOperationException($"no evaluator for {check.Key}"),
        };
        if (outcome.Problem is { } problem)
            _result.Failures.Add(new Failure(step.Label, check.Describe(), problem, check.Location.ToString(), FailureKind.Expectation, step.Id, outcome.Observed));
    }

    /// <summary>Observed: the console output so far.</summary>
    private CheckOutcome ConsoleProblem(ConsoleCheck c)
    {
        string console = _console.ToString();
        bool contains = console.Contains(c.Text, StringComparison.Ordinal);
        if (contains == c.MustContain) return new(null, console);
        return new(c.MustContain ? $"not in the console output{LastLine()}" : "the console output contains it", console);
    }

    private string LastLine()
    {
        var lines = _console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? " (the console is empty)" : $" (last line: '{lines[^1]}')";
    }

    private CheckOutcome CounterProblem(CounterCheck c)
    {
        long value = c.Key == "instructions" ? (long)_result.Instructions
            : StaleReadMetrics.Names.Contains(c.Key) ? StaleMetrics()[c.Key] : _vmm.Vm.Counters.ToDictionary()[c.Key];
        return new(c.Holds(value) ? null : $"it is {value}", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Observed: every byte of the range as read, "5a 5a 00 …".</summary>
    private CheckOutcome MemoryProblem(MemoryCheck m)
    {
        var actual = new byte[m.Expected.Length];
        GuestMemoryReader.Read(_vmm.Vm, m.At, actual, m.View);
        string observed = Verdict.HexBytes(actual);
        int differ = 0, first = -1;
        for (int i = 0; i < actual.Length; i++)
            if (actual[i] != m.Expected[i]) { differ++; if (first < 0) first = i; }
        if (differ == 0) return new(null, observed);
        int word = first & ~3;
        int len = Math.Min(4, actual.Length - word);
        return new($"{differ} byte(s) differ, first at 0x{m.At + (ulong)first:X}: " +
                   $"{Hex(actual.AsSpan(word, len))} instead of {Hex(m.Expected.AsSpan(word, len))} (at 0x{m.At + (ulong)word:X})", observed);
    }

    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant();

    private CheckOutcome RegisterProblem(RegisterCheck r)
    {
        var vcpu = _vmm.Vcpus[r.Vcpu];
        ulong value = r.Register < 0 ? vcpu.Pc : vcpu.GetX(r.Register);
        return new(value == r.Value ? null : $"{r.RegisterName} is 0x{value:X}", $"0x{value:X}");
    }
}
