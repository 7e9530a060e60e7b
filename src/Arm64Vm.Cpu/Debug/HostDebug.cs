namespace Arm64Vm.Cpu;

/// <summary>What stopped the vCPU for the host's debugger (HOSTDBG-1..3 in specs/debug.md).</summary>
public enum DebugStopKind
{
    /// <summary>A host breakpoint: the instruction at the address has not executed.</summary>
    Breakpoint,
    /// <summary>A host watchpoint: the access was performed and its instruction completed; PC is the next instruction.</summary>
    Watchpoint,
    /// <summary>Host single step: one instruction completed (or an exception was taken instead); PC is where it goes on.</summary>
    Step,
}

/// <summary>The accesses a host watchpoint stops on.</summary>
[Flags]
public enum HostWatchKind
{
    Read = 1,
    Write = 2,
    Access = Read | Write,
}

/// <summary>A host watchpoint: the bytes [Address, Address + Length) for the accesses of <see cref="Kind"/>.</summary>
public readonly record struct HostWatchpoint(ulong Address, ulong Length, HostWatchKind Kind)
{
    /// <summary>The first byte of the access [va, va + size) this watchpoint covers, if any.</summary>
    internal bool Hit(ulong va, int size, bool read, bool write, out ulong first)
    {
        first = Math.Max(va, Address);
        bool kind = (read && (Kind & HostWatchKind.Read) != 0) || (write && (Kind & HostWatchKind.Write) != 0);
        return kind && Length != 0 && va < Address + Length && Address < va + (ulong)size;
    }
}

/// <summary>
/// The host debugger's stops on one PE, like KVM_SET_GUEST_DEBUG with hardware breakpoints and watchpoints
/// (HOSTDBG-1..3): independent of the guest's debug registers, invisible to the guest, never an exception.
/// </summary>
internal sealed class HostDebugState
{
    internal readonly HashSet<ulong> Breakpoints = new();
    internal readonly List<HostWatchpoint> Watchpoints = new();
    private bool _singleStep;
    /// <summary>An instruction executed (or an exception was taken in its place) since single step was armed.</summary>
    private bool _stepProgress;
    /// <summary>The PC of the last breakpoint stop: the next check there lets the instruction run (resume).</summary>
    private ulong _resumePc = ulong.MaxValue;

    internal bool SingleStep
    {
        get => _singleStep;
        set { _singleStep = value; _stepProgress = false; }
    }

    /// <summary>The one-instruction path must run (DBG-9).</summary>
    internal bool ExecutionStops => Breakpoints.Count > 0 || _singleStep;

    /// <summary>
    /// HOSTDBG-1, HOSTDBG-3: before the instruction at <paramref name="pc"/>: stops for a completed single step or a
    /// breakpoint there, unless the run resumes from a breakpoint stop at this very PC. True when the vCPU stopped.
    /// </summary>
    internal bool StopBefore(CpuCore cpu, ulong pc)
    {
        bool resuming = _resumePc == pc;
        _resumePc = ulong.MaxValue;
        if (_singleStep && _stepProgress)
        {
            _stepProgress = false;
            cpu.StopForHost(DebugStopKind.Step, pc);
            return true;
        }
        if (!resuming && Breakpoints.Contains(pc))
        {
            _resumePc = pc;
            cpu.StopForHost(DebugStopKind.Breakpoint, pc);
            return true;
        }
        _stepProgress = true;
        return false;
    }

    /// <summary>HOSTDBG-2: the first watched byte of a data access, if a host watchpoint covers it.</summary>
    internal bool WatchHit(ulong va, int size, bool read, bool write, out ulong address)
    {
        foreach (var w in Watchpoints)
            if (w.Hit(va, size, read, write, out address)) return true;
        address = 0;
        return false;
    }
}
