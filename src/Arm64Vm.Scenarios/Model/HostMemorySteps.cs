using Arm64Vm.Scenarios.Yaml;

namespace Arm64Vm.Scenarios.Model;

/// <summary>The VMM (or the host kernel's speculative fill through its linear map) reads guest RAM through the host's cacheable path.</summary>
public sealed record HostReadStep(int Index, SourceLocation Location, ulong At, ulong Size) : Step(Index, Location)
{
    public override string Kind => "host-read";
}

/// <summary>H13 (S19): the host swaps the page holding <see cref="At"/> out; it comes back when the guest or the VMM touches it.</summary>
public sealed record SwapPageStep(int Index, SourceLocation Location, ulong At) : Step(Index, Location)
{
    public override string Kind => "swap-page";
}

/// <summary>H13 (S20): copy-on-write is broken on the page holding <see cref="At"/>; the VMM's write (<see cref="Data"/>, may be empty) lands in the new frame.</summary>
public sealed record BreakCowStep(int Index, SourceLocation Location, ulong At, byte[] Data) : Step(Index, Location)
{
    public override string Kind => "break-cow";
}
