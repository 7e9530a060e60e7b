using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

/// <summary>
/// What the PEs of one machine share: the memory system, the pre-decoded code cache, the global exclusive
/// monitor and the feature set. TLB maintenance that must reach every PE (the IS variants) goes through here.
/// </summary>
public sealed class CpuSystem
{
    /// <summary>CNTFRQ_EL0 as on QEMU's virt board: 62.5 MHz.</summary>
    public const ulong CounterFrequency = 62_500_000;
    /// <summary>The counter advances one tick every 16 retired instructions (1 instruction = 1 ns of virtual time).</summary>
    public const int InstructionsPerTick = 16;

    private readonly List<CpuCore> _cpus = new();

    public CpuSystem(IMemorySystem memory, CpuFeatures? features = null)
    {
        Memory = memory;
        Features = (features ?? new CpuFeatures()).MirrorCaches(memory.Caches);
        CodeCache = new CodeCache(memory.Map);
        Monitor = new GlobalExclusiveMonitor();
    }

    public IMemorySystem Memory { get; }
    public CpuFeatures Features { get; }
    public CodeCache CodeCache { get; }
    public GlobalExclusiveMonitor Monitor { get; }
    public IReadOnlyList<CpuCore> Cpus => _cpus;

    /// <summary>
    /// The system counter (CNTPCT/CNTVCT): one tick per <see cref="InstructionsPerTick"/> instructions retired by all
    /// PEs together, so every PE reads the same monotonic, deterministic time.
    /// </summary>
    public ulong SystemCounter()
    {
        ulong n = 0;
        foreach (var cpu in _cpus) n += cpu.Retired;
        return n / InstructionsPerTick;
    }

    /// <summary>SEV: sets the event register of every PE (Arm ARM D1.6.1).</summary>
    public void SendEvent()
    {
        foreach (var cpu in _cpus) cpu.EventRegister = true;
    }

    public CpuCore AddCpu()
    {
        var cpu = new CpuCore(this, _cpus.Count);
        _cpus.Add(cpu);
        return cpu;
    }
}
