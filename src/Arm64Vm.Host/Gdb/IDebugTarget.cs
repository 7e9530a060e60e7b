namespace Arm64Vm.Host.Gdb;

/// <summary>Why the guest stopped for the debugger.</summary>
public enum DebugStopKind
{
    /// <summary>A single step finished.</summary>
    Step,
    /// <summary>A vCPU reached a breakpoint (before executing the instruction there).</summary>
    Breakpoint,
    /// <summary>A watched location was accessed (after the instruction that accessed it, HOSTDBG-2).</summary>
    Watchpoint,
    /// <summary>Interrupted: Ctrl-C from gdb, a new connection, or the embedding program.</summary>
    Interrupted,
    /// <summary>The run ended (<see cref="DebugStop.Outcome"/>): the guest exited, powered off, failed, or went idle.</summary>
    Ended,
}

public enum BreakpointKind { Software, Hardware }

public enum WatchKind { Write, Read, Access }

/// <summary>One stop: the vCPU it concerns, and what the stop reply says (the breakpoint kind, the watched address).</summary>
public sealed record DebugStop(DebugStopKind Kind, int Vcpu, BreakpointKind? Breakpoint = null, ulong WatchAddress = 0,
    WatchKind? Watch = null, RunOutcome? Outcome = null);

/// <summary>
/// Run control as the gdb stub needs it; <see cref="VmmDebugTarget"/> implements it over the CPU's host-debug
/// breakpoints and watchpoints (HOSTDBG-1..4).
/// Every method but <see cref="Interrupt"/> runs on the emulation thread.
/// </summary>
public interface IDebugTarget
{
    /// <summary>Runs one instruction of one vCPU; the others stay stopped.</summary>
    DebugStop Step(int vcpu);
    /// <summary>Runs every vCPU until a breakpoint, a watchpoint, an interrupt or the end of the run.</summary>
    DebugStop Continue();
    /// <summary>Stops a running <see cref="Continue"/> soon (thread-safe; a request made before it starts stops it at once).</summary>
    void Interrupt();
    /// <summary>Forgets an interrupt request nobody waits for any more.</summary>
    void ClearInterrupt();
    bool SetBreakpoint(ulong address, BreakpointKind kind);
    bool ClearBreakpoint(ulong address, BreakpointKind kind);
    /// <summary>False when this kind of watchpoint is not supported (the stub answers with an empty reply) or the address cannot be watched.</summary>
    bool SetWatchpoint(int vcpu, ulong address, int length, WatchKind kind);
    bool ClearWatchpoint(ulong address, int length, WatchKind kind);
    bool SupportsWatch(WatchKind kind);
}
