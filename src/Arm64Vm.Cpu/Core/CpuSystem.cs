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

    /// <summary>Ticks the counter has skipped while every PE waited (TMR-4), on top of the retired instructions.</summary>
    private ulong _skippedTicks;
    /// <summary>With the host clock: the wall clock the counter follows from the count at its start (TMR-6).</summary>
    private IHostClock? _hostClock;

    /// <summary>
    /// The system counter (CNTPCT/CNTVCT): one tick per <see cref="InstructionsPerTick"/> instructions retired by all
    /// PEs together, plus the ticks skipped while every PE waited (<see cref="SkipTo"/>), so every PE reads the same
    /// monotonic, deterministic time (TMR-1). With <see cref="UseHostClock"/> it follows the host's wall clock instead.
    /// </summary>
    public ulong SystemCounter()
    {
        if (_hostClock != null) return (ulong)((UInt128)(ulong)_hostClock.Elapsed.Ticks * CounterFrequency / TimeSpan.TicksPerSecond) + _skippedTicks;
        ulong n = 0;
        foreach (var cpu in _cpus) n += cpu.Executed;   // CPU-RET-1: a faulting attempt takes time too
        return n / InstructionsPerTick + _skippedTicks;
    }

    /// <summary>
    /// TMR-6 (--clock host): the counter follows a wall clock from now on, at <see cref="CounterFrequency"/>: the host's
    /// (<see cref="StopwatchHostClock"/>), or <paramref name="clock"/>, started now.
    /// </summary>
    public void UseHostClock(IHostClock? clock = null)
    {
        if (_hostClock != null) return;
        _skippedTicks = SystemCounter();
        _hostClock = clock ?? new StopwatchHostClock();
    }

    public bool FollowsHostClock => _hostClock != null;

    /// <summary>The wall clock the counter follows (TMR-6), or null while it counts instructions.</summary>
    public IHostClock? HostClock => _hostClock;

    /// <summary>
    /// TMR-4: every PE waits and the earliest timer fires at <paramref name="count"/>: virtual time jumps there (never
    /// backwards). With the host clock nothing jumps: the caller waits for the wall clock.
    /// </summary>
    public void SkipTo(ulong count)
    {
        if (_hostClock != null) return;
        ulong now = SystemCounter();
        if (count > now) _skippedTicks += count - now;
    }

    /// <summary>
    /// Instructions <paramref name="cpu"/> alone must retire until the counter reaches <paramref name="count"/> (at least
    /// one; <see cref="ulong.MaxValue"/> when it is unreachable by retiring, as with the host clock).
    /// </summary>
    public ulong InstructionsUntil(ulong count)
    {
        if (_hostClock != null || count == ulong.MaxValue) return ulong.MaxValue;
        ulong now = SystemCounter();
        if (count <= now) return 1;
        ulong n = 0;
        foreach (var c in _cpus) n += c.Executed;
        ulong ticks = count - now;
        if (ticks > ulong.MaxValue / InstructionsPerTick) return ulong.MaxValue;
        return ticks * InstructionsPerTick - n % InstructionsPerTick;
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
