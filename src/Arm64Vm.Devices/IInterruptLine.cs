namespace Arm64Vm.Devices;

/// <summary>
/// A level-sensitive interrupt output of a device model (an SPI of the board's interrupt controller). The device
/// drives the level; the controller behind it (the host layer's GIC, reached as QEMU reaches KVM's with
/// KVM_IRQ_LINE) decides what the PEs see. Asserting an asserted line or deasserting a deasserted one is a no-op.
/// </summary>
public interface IInterruptLine
{
    void SetLevel(bool asserted);
}
