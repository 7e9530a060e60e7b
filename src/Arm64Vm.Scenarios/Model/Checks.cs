using System.Text.RegularExpressions;
using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>One expectation of an <c>expect</c> step.</summary>
public abstract record Check(string Key, SourceLocation Location)
{
    /// <summary>What is expected, for reports: "console-contains 'boot 2 ok'".</summary>
    public abstract string Describe();
}

public sealed record ConsoleCheck(string Key, SourceLocation Location, string Text, bool MustContain) : Check(Key, Location)
{
    public override string Describe() => $"{Key} '{Text}'";
}

public sealed record ConsoleMatchCheck(string Key, SourceLocation Location, Regex Pattern) : Check(Key, Location)
{
    public override string Describe() => $"{Key} /{Pattern}/";
}

/// <summary>A host counter (or "instructions") within bounds.</summary>
public sealed record CounterCheck(string Key, SourceLocation Location, long? Min, long? Max, long? EqualsValue) : Check(Key, Location)
{
    public override string Describe()
    {
        var parts = new List<string>();
        if (EqualsValue is { } e) parts.Add($"= {e}");
        if (Min is { } mn) parts.Add($">= {mn}");
        if (Max is { } mx) parts.Add($"<= {mx}");
        return $"{Key} {string.Join(" and ", parts)}";
    }

    public bool Holds(long value) =>
        (EqualsValue is not { } e || value == e) && (Min is not { } mn || value >= mn) && (Max is not { } mx || value <= mx);
}

public enum MemoryView { Host, Poc }

public sealed record MemoryCheck(string Key, SourceLocation Location, ulong At, byte[] Expected, string Source, MemoryView View) : Check(Key, Location)
{
    public override string Describe() => $"memory at 0x{At:X} ({Expected.Length} bytes, {(View == MemoryView.Poc ? "PoC" : "host view")}) equals {Source}";
}

/// <summary>Register -1 is the PC.</summary>
public sealed record RegisterCheck(string Key, SourceLocation Location, int Vcpu, int Register, ulong Value) : Check(Key, Location)
{
    public string RegisterName => Register < 0 ? "pc" : $"x{Register}";
    public override string Describe() => $"vcpu {Vcpu} {RegisterName} = 0x{Value:X}";
}

/// <summary>A drive's backing file holds <see cref="Expected"/> at disk offset <see cref="At"/> (what the device wrote).</summary>
public sealed record DiskCheck(string Key, SourceLocation Location, int Drive, ulong At, byte[] Expected, string Source) : Check(Key, Location)
{
    public override string Describe() => $"disk {Drive} at 0x{At:X} ({Expected.Length} bytes) equals {Source}";
}

public sealed record ExitStatusCheck(string Key, SourceLocation Location, int Status) : Check(Key, Location)
{
    public override string Describe() => $"exit-status {Status}";
}

public sealed record MigrationCheck(string Key, SourceLocation Location, bool Equal) : Check(Key, Location)
{
    public override string Describe() => Equal ? "migrated copy equals the source" : "migrated copy differs from the source";
}
