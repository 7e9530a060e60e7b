namespace Arm64Vm.Scenarios.Yaml;

/// <summary>Where something in a scenario (or cache-config) file is: file, 1-based line and column.</summary>
public readonly record struct SourceLocation(string File, long Line, long Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>Bad input in a scenario file: reported as "file:line:column: message" (exit code 2), never with a stack trace.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(SourceLocation location, string message) : base($"{location}: {message}")
    {
        Location = location;
        Reason = message;
    }

    public SourceLocation Location { get; }
    /// <summary>The message without the location.</summary>
    public string Reason { get; }
}
