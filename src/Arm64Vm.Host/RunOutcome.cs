namespace Arm64Vm.Host;

/// <summary>Why a run ended.</summary>
public enum StopReason
{
    /// <summary>PSCI SYSTEM_OFF: exit status 0.</summary>
    SystemOff,
    /// <summary>Semihosting SYS_EXIT / SYS_EXIT_EXTENDED with the guest's status.</summary>
    SemihostingExit,
    /// <summary>The instruction budget ran out.</summary>
    InstructionLimit,
    /// <summary>Interrupted by the user (Ctrl-C) or the embedding program.</summary>
    Interrupted,
    /// <summary>Every PE waits for an interrupt that nothing can raise.</summary>
    Idle,
    /// <summary>PSCI SYSTEM_RESET when the caller asked to stop there instead of rebooting.</summary>
    SystemReset,
    /// <summary>A forwarded hypercall the caller asked to stop at (<see cref="Vmm.OnHypercall"/> returned true).</summary>
    Hypercall,
    /// <summary>Something the host cannot emulate (reported with a message).</summary>
    GuestError,
    /// <summary>A host breakpoint, watchpoint or single step stopped a vCPU (<see cref="RunOutcome.Debug"/>, HOSTDBG-4).</summary>
    DebugStop,
}

/// <summary>Which vCPU a host-debug stop happened on, what stopped it and where (HOSTDBG-4).</summary>
public sealed record DebugStop(int VcpuId, Arm64Vm.Cpu.DebugStopKind Kind, ulong Address);

public sealed record RunOutcome(StopReason Reason, int ExitCode, string Message, ulong Instructions, TimeSpan Elapsed, int Resets)
{
    /// <summary>For <see cref="StopReason.DebugStop"/>.</summary>
    public DebugStop? Debug { get; init; }

    /// <summary>
    /// Of <see cref="Elapsed"/>, the time the running thread spent in the .NET JIT compiling the emulator's own code
    /// (methods first called during the run: with tiered compilation off, each is compiled once, optimised, on first
    /// call). A cost of the emulator's start, not of the guest's instructions; reported so benchmarks can say so.
    /// </summary>
    public TimeSpan JitTime { get; init; }

    public double Mips => Elapsed.TotalSeconds > 0 ? Instructions / Elapsed.TotalSeconds / 1e6 : 0;
}
