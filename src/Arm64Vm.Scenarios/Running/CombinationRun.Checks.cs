using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

internal sealed partial class CombinationRun
{
    private void Evaluate(ExpectStep step, Check check)
    {
        _result.ChecksRun++;
        string? problem = check switch
        {
            ConsoleCheck c => ConsoleProblem(c),
            ConsoleMatchCheck m => m.Pattern.IsMatch(_console.ToString()) ? null : $"no match in the console output{LastLine()}",
            CounterCheck c => CounterProblem(c),
            MemoryCheck m => MemoryProblem(m),
            RegisterCheck r => RegisterProblem(r),
            ExitStatusCheck e => _exitStatus == e.Status ? null
                : _exitStatus is { } s ? $"the guest exited with status {s}" : "the guest has not exited through semihosting",
            MigrationCheck m => MigrationProblem(m),
            _ => throw new InvalidOperationException($"no evaluator for {check.Key}"),
        };
        if (problem != null) _result.Failures.Add(new Failure(step.Label, check.Describe(), problem, check.Location.ToString()));
    }

    private string? ConsoleProblem(ConsoleCheck c)
    {
        bool contains = _console.ToString().Contains(c.Text, StringComparison.Ordinal);
        if (contains == c.MustContain) return null;
        return c.MustContain ? $"not in the console output{LastLine()}" : "the console output contains it";
    }

    private string LastLine()
    {
        var lines = _console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? " (the console is empty)" : $" (last line: '{lines[^1]}')";
    }

    private string? CounterProblem(CounterCheck c)
    {
        long value = c.Key == "instructions" ? (long)_result.Instructions : _vmm.Vm.Counters.ToDictionary()[c.Key];
        return c.Holds(value) ? null : $"it is {value}";
    }

    private string? MemoryProblem(MemoryCheck m)
    {
        var actual = new byte[m.Expected.Length];
        GuestMemoryReader.Read(_vmm.Vm, m.At, actual, m.View);
        int differ = 0, first = -1;
        for (int i = 0; i < actual.Length; i++)
            if (actual[i] != m.Expected[i]) { differ++; if (first < 0) first = i; }
        if (differ == 0) return null;
        int word = first & ~3;
        int len = Math.Min(4, actual.Length - word);
        return $"{differ} byte(s) differ, first at 0x{m.At + (ulong)first:X}: " +
               $"{Hex(actual.AsSpan(word, len))} instead of {Hex(m.Expected.AsSpan(word, len))} (at 0x{m.At + (ulong)word:X})";
    }

    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant();

    private string? RegisterProblem(RegisterCheck r)
    {
        var vcpu = _vmm.Vcpus[r.Vcpu];
        ulong value = r.Register < 0 ? vcpu.Pc : vcpu.GetX(r.Register);
        return value == r.Value ? null : $"{r.RegisterName} is 0x{value:X}";
    }
}
