namespace Arm64Vm.Host;

/// <summary>
/// The physical memory map and interrupt assignment of QEMU's "virt" board (hw/arm/virt.c), so one guest image runs on
/// both emulators.
/// </summary>
public static class VirtBoard
{
    public const ulong GicDistributorBase = 0x0800_0000;
    public const ulong GicDistributorSize = 0x1_0000;
    /// <summary>GICv2 CPU interface (GICC), 64 KiB as QEMU describes it.</summary>
    public const ulong GicCpuInterfaceBase = 0x0801_0000;
    public const ulong GicCpuInterfaceSize = 0x1_0000;
    /// <summary>GICv3 redistributors: two 64 KiB frames (RD_base, SGI_base) per PE from here.</summary>
    public const ulong GicRedistributorBase = 0x080A_0000;
    public const ulong GicRedistributorStride = 0x2_0000;
    public const ulong UartBase = 0x0900_0000;
    public const ulong RtcBase = 0x0901_0000;
    /// <summary>The virtio-mmio transports (VIO-1): 32 of 0x200 bytes from here, transport n on SPI 16 + n.</summary>
    public const ulong VirtioBase = 0x0A00_0000;
    public const ulong VirtioStride = 0x200;
    public const int VirtioTransports = 32, VirtioFirstSpi = 16;
    public const ulong RamBase = 0x4000_0000;
    public const ulong DefaultMemorySize = 128UL << 20;
    /// <summary>Where QEMU's -kernel places a raw image: RAM base + 0x80000 (the old arm64 text_offset).</summary>
    public const ulong DefaultLoadAddress = 0x4008_0000;

    /// <summary>SPI numbers (INTID - 32) of the board's devices, as QEMU's a15irqmap assigns them.</summary>
    public const int UartSpi = 1, RtcSpi = 2;
    /// <summary>PPI numbers (INTID - 16) of the generic timer (secure physical, non-secure physical, virtual, hypervisor) and the PMU.</summary>
    public const int SecurePhysicalTimerPpi = 13, PhysicalTimerPpi = 14, VirtualTimerPpi = 11, HypervisorTimerPpi = 10, PmuPpi = 7;
    /// <summary>GICv2 allows at most 8 PEs (GICD_ITARGETSR has 8 bits per interrupt).</summary>
    public const int MaxGicV2Cpus = 8;
}
