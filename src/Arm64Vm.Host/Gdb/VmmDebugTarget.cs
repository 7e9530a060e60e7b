using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Gdb;

/// <summary>
/// <see cref="IDebugTarget"/> over today's <see cref="Vmm"/>, in software: a step is one instruction of one vCPU
/// (<see cref="Vmm.Step"/>); while a breakpoint or watchpoint is set, <see cref="Vmm.Run"/> single-steps every vCPU
/// and its hooks compare the PC with the breakpoints before each instruction (a hit interrupts the run before the
/// instruction) and the watched bytes with their last value after each one (writes only, as gdb's own software
/// watchpoints: the stop comes after the writing instruction). Read and access watchpoints need the CPU's debug
/// hardware and are not offered. Without breakpoints or watchpoints a continue runs at full speed.
/// </summary>
public sealed class VmmDebugTarget : IDebugTarget
{
    private readonly Vmm _vmm;
    private readonly GuestMemoryView _memory;
    private readonly HashSet<ulong> _software = new(), _hardware = new();
    private readonly List<Watch> _watches = new();
    private volatile bool _stopRequested, _running;
    private DebugStop? _hit;
    private ulong _remaining;
    private int _lastVcpu;

    /// <summary>A write watchpoint: the bytes at a host PA as one vCPU's view (agent and attributes) shows them.</summary>
    private sealed class Watch(int agent, ulong va, int length, ulong pa, Arm64Vm.Memory.MemoryAttributes attributes, byte[] last)
    {
        public int Agent { get; } = agent;
        public ulong Va { get; } = va;
        public int Length { get; } = length;
        public ulong Pa { get; } = pa;
        public Arm64Vm.Memory.MemoryAttributes Attributes { get; } = attributes;
        public byte[] Last { get; } = last;
        public byte[] Scratch { get; } = new byte[length];
    }

    /// <param name="maxInstructions">The run's instruction budget (--max-instructions) shared by every continue and step.</param>
    public VmmDebugTarget(Vmm vmm, GuestMemoryView memory, ulong maxInstructions = ulong.MaxValue)
    {
        _vmm = vmm;
        _memory = memory;
        _remaining = maxInstructions;
    }

    public DebugStop Step(int vcpu)
    {
        _lastVcpu = vcpu;
        var v = _vmm.Vcpus[vcpu];
        ulong before = v.Cpu.Retired;
        var outcome = _vmm.Step(v);
        _remaining -= Math.Min(_remaining, v.Cpu.Retired - before);
        if (outcome != null) return new DebugStop(DebugStopKind.Ended, vcpu, Outcome: outcome);
        return ChangedWatch(vcpu) ?? new DebugStop(DebugStopKind.Step, vcpu);
    }

    public DebugStop Continue()
    {
        _running = true;      // before the check: an Interrupt that sees it false is seen by the check
        var before = _vmm.BeforeInstruction;
        var after = _vmm.AfterInstruction;
        try
        {
            if (_software.Count + _hardware.Count > 0) _vmm.BeforeInstruction = before + CheckBreakpoint;
            if (_watches.Count > 0) _vmm.AfterInstruction = after + CheckWatches;
            _hit = null;
            while (true)
            {
                if (_stopRequested)
                {
                    _stopRequested = false;
                    return new DebugStop(DebugStopKind.Interrupted, _lastVcpu);
                }
                var outcome = _vmm.Run(_remaining);
                _remaining -= Math.Min(_remaining, outcome.Instructions);
                if (_hit is { } hit)
                {
                    _lastVcpu = hit.Vcpu;
                    return hit;
                }
                if (outcome.Reason != StopReason.Interrupted) return new DebugStop(DebugStopKind.Ended, _lastVcpu, Outcome: outcome);
                // An interrupt with no request behind it (the embedding program's): go on.
            }
        }
        finally
        {
            _running = false;
            _vmm.BeforeInstruction = before;
            _vmm.AfterInstruction = after;
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

    public bool SetBreakpoint(ulong address, BreakpointKind kind)
    {
        (kind == BreakpointKind.Software ? _software : _hardware).Add(address);
        return true;
    }

    public bool ClearBreakpoint(ulong address, BreakpointKind kind)
    {
        (kind == BreakpointKind.Software ? _software : _hardware).Remove(address);
        return true;
    }

    public bool SupportsWatch(WatchKind kind) => kind == WatchKind.Write;

    /// <summary>A write watchpoint on bytes the vCPU's translation reaches now: the host PA and the vCPU's view are fixed
    /// here, and the bytes compared after every instruction of every vCPU.</summary>
    public bool SetWatchpoint(int vcpu, ulong address, int length, WatchKind kind)
    {
        if (!SupportsWatch(kind) || length <= 0 || length > 4096) return false;
        if (_memory.Resolve(_vmm.Vcpus[vcpu], address, out _) is not { } r) return false;
        if ((r.Pa & 0xFFF) + (ulong)length > 0x1000) return false;
        var last = new byte[length];
        int agent = _vmm.Vcpus[vcpu].Cpu.Index;
        if (!_memory.ReadPhysical(agent, r.Pa, last, r.Attributes)) return false;
        _watches.Add(new Watch(agent, address, length, r.Pa, r.Attributes, last));
        return true;
    }

    public bool ClearWatchpoint(ulong address, int length, WatchKind kind)
    {
        int i = _watches.FindIndex(w => w.Va == address && w.Length == length);
        if (i >= 0) _watches.RemoveAt(i);
        return true;
    }

    private void CheckBreakpoint(CpuCore cpu)
    {
        if (_hit != null) return;
        if (_software.Contains(cpu.Pc)) Hit(new DebugStop(DebugStopKind.Breakpoint, cpu.Index, BreakpointKind.Software));
        else if (_hardware.Contains(cpu.Pc)) Hit(new DebugStop(DebugStopKind.Breakpoint, cpu.Index, BreakpointKind.Hardware));
    }

    private void CheckWatches(CpuCore cpu)
    {
        if (_hit == null && ChangedWatch(cpu.Index) is { } stop) Hit(stop);
    }

    private void Hit(DebugStop stop)
    {
        _hit = stop;
        _vmm.Interrupt();
    }

    /// <summary>The first watch whose bytes changed (its last value updated), as a stop for the vCPU that ran.</summary>
    private DebugStop? ChangedWatch(int vcpu)
    {
        foreach (var w in _watches)
        {
            if (!_memory.ReadPhysical(w.Agent, w.Pa, w.Scratch, w.Attributes) || w.Scratch.AsSpan().SequenceEqual(w.Last)) continue;
            w.Scratch.CopyTo(w.Last, 0);
            return new DebugStop(DebugStopKind.Watchpoint, vcpu, WatchAddress: w.Va, Watch: WatchKind.Write);
        }
        return null;
    }
}
