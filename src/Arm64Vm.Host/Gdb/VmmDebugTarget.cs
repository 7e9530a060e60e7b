using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// <see cref="IDebugTarget"/> over the CPU's host-debug API (HOSTDBG-1..4, specs/debug.md), as QEMU's stub over
/// KVM_SET_GUEST_DEBUG: gdb's breakpoints and watchpoints are global, so each is set on every vCPU's PE; a continue
/// is <see cref="Vmm.Run"/> at full speed and ends with <see cref="StopReason.DebugStop"/> naming the vCPU; a step is
/// one instruction of one vCPU (<see cref="Vmm.Step"/>).
/// <para>
/// Watchpoints (write, read and access) stop after the accessing instruction completed (HOSTDBG-2). gdb on AArch64
/// expects the stop before the access (its gdbarch has non-steppable watchpoints, and QEMU's Arm CPUs stop before
/// the access for gdb): it then steps the thread once with watchpoints removed and reports the old and new value.
/// That step has already happened here, so the first step gdb asks of the stopped vCPU runs nothing and reports the
/// PC after the accessing instruction: gdb shows the same location as under QEMU.
/// </para>
/// </summary>
public sealed class VmmDebugTarget : IDebugTarget
{
    private readonly Vmm _vmm;
    private readonly HashSet<ulong> _software = new(), _hardware = new();
    private readonly List<(ulong Va, int Length, WatchKind Kind)> _watches = new();
    private volatile bool _stopRequested, _running;
    private ulong _remaining;
    private int _lastVcpu;
    /// <summary>The vCPU whose watchpoint stop came after the access: gdb's step over it is already done (-1: none).</summary>
    private int _steppedOver = -1;
    /// <summary>Its PC at that stop: a step from anywhere else (gdb wrote the PC) runs as usual.</summary>
    private ulong _steppedOverPc;

    /// <param name="maxInstructions">The run's instruction budget (--max-instructions) shared by every continue and step.</param>
    public VmmDebugTarget(Vmm vmm, ulong maxInstructions = ulong.MaxValue)
    {
        _vmm = vmm;
        _remaining = maxInstructions;
    }

    public DebugStop Step(int vcpu)
    {
        _lastVcpu = vcpu;
        var v = _vmm.Vcpus[vcpu];
        bool steppedOver = _steppedOver == vcpu && v.Pc == _steppedOverPc;
        _steppedOver = -1;
        if (steppedOver) return new DebugStop(DebugStopKind.Step, vcpu);
        // A breakpoint where the step starts does not stop it (gdb steps off a breakpoint it stopped at).
        bool atBreakpoint = v.Cpu.RemoveHostBreakpoint(v.Pc);
        ulong pc = v.Pc, before = v.Cpu.Executed;   // the budget counts faulting attempts too (CPU-RET-1)
        RunOutcome? outcome;
        try { outcome = _vmm.Step(v); }
        finally { if (atBreakpoint) v.Cpu.AddHostBreakpoint(pc); }
        _remaining -= Math.Min(_remaining, v.Cpu.Executed - before);
        if (outcome == null) return new DebugStop(DebugStopKind.Step, vcpu);
        return FromOutcome(outcome) ?? new DebugStop(DebugStopKind.Ended, vcpu, Outcome: outcome);
    }

    public DebugStop Continue()
    {
        _running = true;      // before the check: an Interrupt that sees it false is seen by the check
        _steppedOver = -1;
        try
        {
            while (true)
            {
                if (_stopRequested)
                {
                    _stopRequested = false;
                    return new DebugStop(DebugStopKind.Interrupted, _lastVcpu);
                }
                var outcome = _vmm.Run(_remaining);
                _remaining -= Math.Min(_remaining, outcome.Instructions);
                if (FromOutcome(outcome) is { } stop) return stop;
                if (outcome.Reason != StopReason.Interrupted) return new DebugStop(DebugStopKind.Ended, _lastVcpu, Outcome: outcome);
                // An interrupt with no request behind it (the embedding program's): go on.
            }
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>A host-debug stop (HOSTDBG-4) as gdb's stop: the vCPU, the breakpoint kind or the watchpoint and the address.</summary>
    private DebugStop? FromOutcome(RunOutcome outcome)
    {
        if (outcome.Reason != StopReason.DebugStop || outcome.Debug is not { } d) return null;
        _lastVcpu = d.VcpuId;
        switch (d.Kind)
        {
            case Arm64Vm.Cpu.DebugStopKind.Breakpoint:
                return new DebugStop(DebugStopKind.Breakpoint, d.VcpuId,
                    _software.Contains(d.Address) ? BreakpointKind.Software : BreakpointKind.Hardware);
            case Arm64Vm.Cpu.DebugStopKind.Watchpoint:
                _steppedOver = d.VcpuId;
                _steppedOverPc = _vmm.Vcpus[d.VcpuId].Pc;
                var watch = _watches.Find(w => d.Address >= w.Va && d.Address - w.Va < (ulong)w.Length);
                return new DebugStop(DebugStopKind.Watchpoint, d.VcpuId, WatchAddress: d.Address, Watch: watch.Length > 0 ? watch.Kind : WatchKind.Access);
            default:
                return new DebugStop(DebugStopKind.Step, d.VcpuId);
        }
    }

    public void Interrupt()
    {
        _stopRequested = true;
        _vmm.Interrupt();
        // Vmm.Run forgets an interrupt that arrives while it starts: repeat it until the continue has seen it.
        Task.Run(async () =>
        {
            for (int i = 0; i < 500 && _running && _stopRequested; i++)
            {
                await Task.Delay(10).ConfigureAwait(false);
                if (_running && _stopRequested) _vmm.Interrupt();
            }
        });
    }

    public void ClearInterrupt() => _stopRequested = false;

    /// <summary>HOSTDBG-1 on every vCPU (a software and a hardware breakpoint at one address share the PE's).</summary>
    public bool SetBreakpoint(ulong address, BreakpointKind kind)
    {
        (kind == BreakpointKind.Software ? _software : _hardware).Add(address);
        foreach (var v in _vmm.Vcpus) v.Cpu.AddHostBreakpoint(address);
        return true;
    }

    public bool ClearBreakpoint(ulong address, BreakpointKind kind)
    {
        (kind == BreakpointKind.Software ? _software : _hardware).Remove(address);
        if (!_software.Contains(address) && !_hardware.Contains(address))
            foreach (var v in _vmm.Vcpus) v.Cpu.RemoveHostBreakpoint(address);
        return true;
    }

    public bool SupportsWatch(WatchKind kind) => true;

    /// <summary>HOSTDBG-2 on every vCPU: the VA range in each PE's own translation regime.</summary>
    public bool SetWatchpoint(int vcpu, ulong address, int length, WatchKind kind)
    {
        if (length <= 0 || address + (ulong)length < address) return false;
        _watches.Add((address, length, kind));
        foreach (var v in _vmm.Vcpus) v.Cpu.AddHostWatchpoint(address, (ulong)length, HostKind(kind));
        return true;
    }

    public bool ClearWatchpoint(ulong address, int length, WatchKind kind)
    {
        if (!_watches.Remove((address, length, kind))) return true;
        foreach (var v in _vmm.Vcpus) v.Cpu.RemoveHostWatchpoint(address, (ulong)length, HostKind(kind));
        return true;
    }

    private static HostWatchKind HostKind(WatchKind kind) => kind switch
    {
        WatchKind.Read => HostWatchKind.Read,
        WatchKind.Write => HostWatchKind.Write,
        _ => HostWatchKind.Access,
    };
}
