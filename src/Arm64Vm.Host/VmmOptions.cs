using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host;

/// <summary>Everything that selects a machine and an experiment for <see cref="Vmm"/> (the `arm64vm run` options).</summary>
public sealed class VmmOptions
{
    /// <summary>Guest RAM at IPA 0x4000_0000 (memslot 0).</summary>
    public ulong MemorySize { get; init; } = VirtBoard.DefaultMemorySize;
    public int Cpus { get; init; } = 1;
    public CacheModelKind CacheModel { get; init; } = CacheModelKind.State;
    /// <summary>Cache geometry; null = the built-in Cortex-A57-like configuration.</summary>
    public CacheConfig? Caches { get; init; }
    public bool Fwb { get; init; }
    public bool Dic { get; init; }
    public bool Idc { get; init; }

    /// <summary>
    /// CTR_EL0.IDC as the machine has it: FEAT_S2FWB requires CLIDR_EL1.{LoUU, LoUIS} = 0 (no data-cache level needs
    /// cleaning for instruction fetches to see data writes), which the model presents as IDC = 1; Linux relies on it
    /// ("FWB implies IDC") when it skips every data-cache clean for FWB guests.
    /// </summary>
    public bool EffectiveIdc => Idc || Fwb;
    public HostPolicy Policy { get; init; } = HostPolicy.Kvm;
    /// <summary>
    /// The VMM's RAM backing is huge-page-backed (2 MiB pages, as THP or hugetlbfs give): stage-2 faults map 2 MiB blocks
    /// where they can (H11).
    /// </summary>
    public bool HugePages { get; init; }
    /// <summary>Seed of the caches' pseudo-random replacement.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>
    /// A user's flattened device tree (--dtb), validated by DeviceTree.FdtReader and given this machine's memory node,
    /// bootargs and initrd range (DeviceTree.DeviceTreeFixup); null means the generated DeviceTree.VirtDeviceTree.
    /// </summary>
    public byte[]? Dtb { get; init; }
    /// <summary>The kernel command line (--append): /chosen/bootargs.</summary>
    public string? Bootargs { get; init; }
    /// <summary>The initrd (--initrd), placed by Images.BootProtocol and named in /chosen.</summary>
    public Images.InitrdFile? Initrd { get; init; }
    /// <summary>
    /// Place the device tree (and initrd) in guest RAM and pass the tree's address in x0, as QEMU's -kernel does
    /// (default). Off for host-layer experiments that pin exact host counters for a hand-made guest.
    /// </summary>
    public bool BootDtb { get; init; } = true;
    /// <summary>The interrupt controller of the board (--gic): 3 (GICv3, the default, as QEMU virt with gic-version=3) or 2.</summary>
    public int GicVersion { get; init; } = 3;
    /// <summary>What the guest's clocks follow (--clock).</summary>
    public ClockSource Clock { get; init; } = ClockSource.Virtual;
    /// <summary>
    /// With <see cref="ClockSource.Host"/>: the wall clock to follow, null for the host's (TMR-6). Tests give one whose
    /// time they step, so that a run's reads of the counter and its idle waits are reproducible.
    /// </summary>
    public Arm64Vm.Cpu.IHostClock? HostClock { get; init; }
    /// <summary>virtio-blk disks (--drive FILE[,readonly]), one virtio-mmio transport each, in command-line order.</summary>
    public IReadOnlyList<DriveSpec> Drives { get; init; } = [];
    /// <summary>A virtio-rng device on a virtio-mmio transport (--rng).</summary>
    public bool VirtioRng { get; init; }
    /// <summary>The device tree describes the virtio-mmio transports as <c>dma-coherent</c> (QEMU virt does).</summary>
    public bool VirtioDmaCoherent { get; init; } = true;
    /// <summary>How the virtio device models reach guest RAM (QEMU on KVM: through the host's cacheable mapping).</summary>
    public DmaPath VirtioDmaPath { get; init; } = DmaPath.HostCacheable;
    /// <summary>The virtio devices offer VIRTIO_F_ACCESS_PLATFORM (VIO-9; QEMU's iommu_platform=on; off by default, as QEMU).</summary>
    public bool VirtioAccessPlatform { get; init; }
    /// <summary>Where the guest's UART and semihosting output goes (default: standard output).</summary>
    public Action<byte>? Console { get; init; }

    public VmFeatures VmFeatures => new() { Fwb = Fwb, Dic = Dic, Idc = EffectiveIdc };
}

/// <summary>A virtio-blk backing file (--drive FILE[,readonly]).</summary>
public sealed record DriveSpec(string Path, bool ReadOnly);

/// <summary>How a DMA-capable device model reads and writes guest RAM.</summary>
public enum DmaPath
{
    /// <summary>Through the host's cacheable mapping (QEMU's device models under KVM): coherent with the host's caches.</summary>
    HostCacheable,
    /// <summary>Straight to memory at the Point of Coherency, bypassing every cache (a non-coherent DMA master).</summary>
    Poc,
}
