namespace Arm64Vm.Cpu;

/// <summary>
/// ESR_EL1.EC of the debug exceptions (Arm ARM (DDI 0487K.a) D24.2.40): each from a lower EL, or (+1) from the
/// current EL (DBG-8).
/// </summary>
public static class DebugExceptionClass
{
    public const uint BreakpointLowerEl = 0x30, BreakpointSameEl = 0x31;
    public const uint SoftwareStepLowerEl = 0x32, SoftwareStepSameEl = 0x33;
    public const uint WatchpointLowerEl = 0x34, WatchpointSameEl = 0x35;

    /// <summary>The EC for a debug exception of class <paramref name="lowerEl"/> taken from <paramref name="el"/> to EL1.</summary>
    internal static uint From(uint lowerEl, int el) => el == 0 ? lowerEl : lowerEl + 1;
}
