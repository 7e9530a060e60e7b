namespace Arm64Vm.Cpu;

/// <summary>
/// The host-debug API a gdb stub drives (HOSTDBG-1..3, specs/debug.md), like KVM_SET_GUEST_DEBUG: host breakpoints
/// on VAs, host watchpoints on VA ranges and host single step. A stop ends <see cref="Run"/> with
/// <see cref="ExitReason.HostDebug"/>; the guest sees nothing (no exception, no register change).
/// </summary>
public sealed partial class CpuCore
{
    private readonly HostDebugState _host = new();

    /// <summary>HOSTDBG-1: stop before the instruction at <paramref name="va"/> executes (in the current translation regime).</summary>
    public void AddHostBreakpoint(ulong va)
    {
        _host.Breakpoints.Add(va);
        DebugRegistersChanged();
    }

    public bool RemoveHostBreakpoint(ulong va)
    {
        bool removed = _host.Breakpoints.Remove(va);
        DebugRegistersChanged();
        return removed;
    }

    /// <summary>HOSTDBG-2: stop after an instruction whose data access of <paramref name="kind"/> touched [va, va + length).</summary>
    public void AddHostWatchpoint(ulong va, ulong length, HostWatchKind kind)
    {
        _host.Watchpoints.Add(new HostWatchpoint(va, length, kind));
        DebugRegistersChanged();
    }

    public bool RemoveHostWatchpoint(ulong va, ulong length, HostWatchKind kind)
    {
        bool removed = _host.Watchpoints.Remove(new HostWatchpoint(va, length, kind));
        DebugRegistersChanged();
        return removed;
    }

    /// <summary>HOSTDBG-3: stop after each instruction (KVM_GUESTDBG_SINGLESTEP).</summary>
    public bool HostSingleStep
    {
        get => _host.SingleStep;
        set
        {
            _host.SingleStep = value;
            DebugRegistersChanged();
        }
    }

    public IReadOnlyCollection<ulong> HostBreakpoints => _host.Breakpoints;
    public IReadOnlyList<HostWatchpoint> HostWatchpoints => _host.Watchpoints;

    /// <summary>Removes every host breakpoint and watchpoint and ends host single step.</summary>
    public void ClearHostDebug()
    {
        _host.Breakpoints.Clear();
        _host.Watchpoints.Clear();
        _host.SingleStep = false;
        DebugRegistersChanged();
    }

    /// <summary>Ends the run with a host-debug stop (the first one of an instruction wins).</summary>
    internal void StopForHost(DebugStopKind kind, ulong address)
    {
        if (_exit.Reason == ExitReason.HostDebug) return;
        ExitReturnPc = Pc;
        ExitToHost(new CpuExit { Reason = ExitReason.HostDebug, DebugStop = kind, Far = address });
    }
}
