namespace Arm64Vm.Devices.Tests;

/// <summary>An interrupt line that records every level a device drives onto it.</summary>
internal sealed class RecordingLine : IInterruptLine
{
    public List<bool> Levels { get; } = new();
    public bool Level => Levels.Count > 0 && Levels[^1];

    public void SetLevel(bool asserted) => Levels.Add(asserted);
}
