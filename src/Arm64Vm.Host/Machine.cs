using Arm64Vm.Cpu;
using Arm64Vm.Memory;

namespace Arm64Vm.Host;

/// <summary>
/// The physical platform the host layer runs on: RAM at QEMU virt's base, the memory system (flat or the cache model)
/// and the PEs. Guest devices are not here: they are the VMM's, reached through MMIO exits (<see cref="Vmm"/>).
/// </summary>
public sealed class Machine : IDisposable
{
    public Machine(MachineConfig config)
    {
        Config = config;
        if (config.MemorySize == 0 || config.MemorySize % Ram.PageSize != 0)
            throw new ArgumentException($"memory size {config.MemorySize} must be a non-zero multiple of 4 KiB");
        if (config.CpuCount < 1 || config.CpuCount > 8)
            throw new ArgumentException($"cpu count {config.CpuCount} must be between 1 and 8");
        Map = new PhysicalMemoryMap(config.Features.PaBits);
        Ram = Map.AddRam(VirtBoard.RamBase, config.MemorySize);
        MemorySystem = config.MemorySystemFactory(Map);
        CpuSystem = new CpuSystem(MemorySystem, config.Features);
        for (int i = 0; i < config.CpuCount; i++) CpuSystem.AddCpu();
    }

    public MachineConfig Config { get; }
    public PhysicalMemoryMap Map { get; }
    public Ram Ram { get; }
    public IMemorySystem MemorySystem { get; }
    public CpuSystem CpuSystem { get; }
    public IReadOnlyList<CpuCore> Cpus => CpuSystem.Cpus;

    public void Dispose() => Ram.Dispose();
}
