namespace Arm64Vm.Host.DeviceTree;

/// <summary>What the generated device tree describes: RAM, CPUs, the interrupt controller and what /chosen hands over.</summary>
public sealed record BoardDescription
{
    public ulong MemorySize { get; init; } = VirtBoard.DefaultMemorySize;
    public int Cpus { get; init; } = 1;
    /// <summary>3 (arm,gic-v3) or 2 (arm,cortex-a15-gic).</summary>
    public int GicVersion { get; init; } = 3;
    /// <summary>/chosen/bootargs; null leaves the property out.</summary>
    public string? Bootargs { get; init; }
    /// <summary>The initrd's guest-physical range [start, end) for /chosen/linux,initrd-start and -end; null when there is none.</summary>
    public (ulong Start, ulong End)? Initrd { get; init; }
    /// <summary>
    /// Seed of /chosen/rng-seed and kaslr-seed. QEMU 7.2 fills them from the host's entropy (dtb-randomness=on); here they
    /// are derived from the run's seed so the same flags give the same tree; null leaves both out.
    /// </summary>
    public ulong? RandomSeed { get; init; }

    /// <summary>The virtio-mmio nodes carry <c>dma-coherent</c> (QEMU's always do; VmmOptions.VirtioDmaCoherent).</summary>
    public bool VirtioDmaCoherent { get; init; } = true;
}
