using Arm64Vm.Cpu;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>How to build the physical machine: RAM size, CPU count, CPU features and the memory-system implementation.</summary>
public sealed class MachineConfig
{
    public ulong MemorySize { get; set; } = VirtBoard.DefaultMemorySize;
    public int CpuCount { get; set; } = 1;
    public CpuFeatures Features { get; set; } = new();
    /// <summary>Builds the memory system over the physical map; default: flat coherent memory (no caches).</summary>
    public Func<PhysicalMemoryMap, IMemorySystem> MemorySystemFactory { get; set; } = map => new FlatMemorySystem(map);
}
