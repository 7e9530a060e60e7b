namespace Arm64Vm.Memory;

/// <summary>
/// Agent ids on the memory system. CPUs use their index (0, 1, ...). The others are fixed ids: the host layer
/// (Normal write-back inner shareable through a host CPU's caches) and the DMA masters.
/// </summary>
public static class MemoryAgents
{
    /// <summary>The KVM-like host layer (the VMM): accesses through its own L1D above the host cluster's L2.</summary>
    public const int Host = 0x100;
    /// <summary>An I/O-coherent DMA master: no caches of its own, snoops every cache (outer shareable).</summary>
    public const int CoherentDma = 0x101;
    /// <summary>A non-coherent DMA master: reads and writes memory at PoC, never sees a cache.</summary>
    public const int NonCoherentDma = 0x102;
}
