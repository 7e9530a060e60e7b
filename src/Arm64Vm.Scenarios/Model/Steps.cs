using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>One entry of <c>steps:</c>. <see cref="Index"/> is 1-based, as people count.</summary>
public abstract record Step(int Index, SourceLocation Location)
{
    public abstract string Kind { get; }
    public string Label => $"step {Index} ({Kind})";
}

public enum RunUntil { SystemReset, SystemOff, Exit, Instructions, Idle }

/// <summary>
/// Run every vCPU until the event in <see cref="Until"/> (or one of <see cref="OrUntil"/>); anything else ending the run
/// fails the combination.
/// </summary>
public sealed record RunStep(int Index, SourceLocation Location, RunUntil Until, ulong MaxInstructions) : Step(Index, Location)
{
    public const ulong DefaultMaxInstructions = 50_000_000;
    public override string Kind => "run";
    /// <summary>Other ends the run may take (<c>until: [system-off, instructions]</c>): the expectations then tell the stories apart.</summary>
    public IReadOnlyList<RunUntil> OrUntil { get; init; } = [];
}

/// <summary>
/// Checks; every one is evaluated and reported. <see cref="Id"/> (optional, unique in the file) is the name an
/// <c>expected</c> row uses to say which expectation must fail (<c>fails: ID</c>): it stays put when steps are added.
/// <see cref="Applies"/> is false when the step's <c>when</c> conditions do not hold for the combination: its checks
/// are not evaluated (facts that only hold for some combinations, e.g. what the host cleaned without FWB).
/// </summary>
public sealed record ExpectStep(int Index, SourceLocation Location, string? Id, IReadOnlyList<Check> Checks) : Step(Index, Location)
{
    public override string Kind => "expect";
    public bool Applies { get; init; } = true;
}

/// <summary>A segment of bytes to write at an IPA.</summary>
public sealed record ByteRun(ulong At, byte[] Data);

/// <summary>The VMM writes guest RAM through the host's cacheable path (Vm.WriteGuest).</summary>
public sealed record HostWriteStep(int Index, SourceLocation Location, IReadOnlyList<ByteRun> Writes, string Source) : Step(Index, Location)
{
    public override string Kind => "host-write";
}

public sealed record HostFillStep(int Index, SourceLocation Location, ulong At, ulong Size, byte Value) : Step(Index, Location)
{
    public override string Kind => "host-fill";
}

/// <summary>KVM_ARM_VCPU_INIT of one vCPU, or (Vcpu null) of every vCPU as the VMM does it.</summary>
public sealed record VcpuInitStep(int Index, SourceLocation Location, int? Vcpu, bool? PowerOff, ulong? Pc) : Step(Index, Location)
{
    public override string Kind => "vcpu-init";
}

/// <summary>The VMM's system reset (QEMU's order): reload every image, then init every vCPU.</summary>
public sealed record ResetStep(int Index, SourceLocation Location) : Step(Index, Location)
{
    public override string Kind => "reset";
}

/// <summary>Set general-purpose registers (register number → value) and/or the PC of a vCPU.</summary>
public sealed record SetRegistersStep(int Index, SourceLocation Location, int Vcpu, IReadOnlyDictionary<int, ulong> X, ulong? Pc) : Step(Index, Location)
{
    public override string Kind => "set-registers";
}

/// <summary>Turn dirty-page logging of memslot 0 on or off; enabling takes the runner's full copy of guest RAM.</summary>
public sealed record DirtyLogStep(int Index, SourceLocation Location, bool Enable, bool ManualProtect, bool InitiallySet = false) : Step(Index, Location)
{
    public override string Kind => "dirty-log";
}

/// <summary>Pre-copy migration rounds: run, GetDirtyLog (the guest runs in its window), copy the reported pages.</summary>
public sealed record MigrateStep(int Index, SourceLocation Location, int Rounds, ulong RunInstructions, ulong WindowInstructions, bool Final) : Step(Index, Location)
{
    public override string Kind => "migrate";
}
