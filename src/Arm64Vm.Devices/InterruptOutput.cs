namespace Arm64Vm.Devices;

/// <summary>A device's interrupt output pin: passes a new level to the line behind it, and only a change.</summary>
internal sealed class InterruptOutput(IInterruptLine? line)
{
    private readonly IInterruptLine _line = line ?? NoInterruptLine.Instance;
    private bool _level;

    public void Drive(bool level)
    {
        if (level == _level) return;
        _level = level;
        _line.SetLevel(level);
    }
}
