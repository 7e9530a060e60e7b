namespace Arm64Vm.Host;

/// <summary>
/// The physical memory map of QEMU's "virt" board (hw/arm/virt.c), so one guest image runs on both emulators.
/// </summary>
public static class VirtBoard
{
    public const ulong GicDistributorBase = 0x0800_0000;
    public const ulong GicCpuInterfaceBase = 0x0801_0000;
    public const ulong UartBase = 0x0900_0000;
    public const ulong RtcBase = 0x0901_0000;
    public const ulong RamBase = 0x4000_0000;
    public const ulong DefaultMemorySize = 128UL << 20;
    /// <summary>Where QEMU's -kernel places a raw image: RAM base + 0x80000 (the old arm64 text_offset).</summary>
    public const ulong DefaultLoadAddress = 0x4008_0000;
}
