namespace Arm64Vm.Devices;

/// <summary>An interrupt output connected to nothing (a board without an interrupt controller for it): levels are dropped.</summary>
public sealed class NoInterruptLine : IInterruptLine
{
    public static readonly NoInterruptLine Instance = new();

    public void SetLevel(bool asserted) { }
}
