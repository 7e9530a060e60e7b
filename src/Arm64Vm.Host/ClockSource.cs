namespace Arm64Vm.Host;

/// <summary>What the guest's clocks (system counter, RTC) follow.</summary>
public enum ClockSource
{
    /// <summary>Virtual time derived from retired instructions: the same guest and flags give the same times (default).</summary>
    Virtual,
    /// <summary>The host's wall clock, for interactive use; runs stop being reproducible.</summary>
    Host,
}
