using Arm64Vm.Cpu;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Memory.Caches;

namespace Arm64Vm.Host.Tracing;

/// <summary>
/// A run's timeline in the Chrome trace-event JSON format (Perfetto and chrome://tracing open it): one track per vCPU
/// (instruction slices between exits, exceptions taken, WFI/WFE sleeps) and one for the host layer (every host event:
/// stage-2 faults, maintenance, TLBIs, vCPU inits, PSCI calls, MMIO exits, dirty-log rounds, resets), plus a counter
/// track of dirty lines per cache level.
/// <para>
/// Time is virtual: the system counter (<see cref="CpuSystem.SystemCounter"/>, 62.5 MHz: one tick per 16 instructions
/// retired by all PEs together, plus the ticks skipped while every PE waited), written in microseconds. Work the host
/// does takes no virtual time, so a slice's end, the host events of its exit and the next slice's start share a
/// timestamp; the file's order (each event's <c>seq</c>) is the order things happened.
/// </para>
/// <para>
/// It subscribes to <see cref="HostEventLog.Observer"/> and each vCPU's <see cref="Vcpu.RunObserver"/>; it changes no
/// producer and costs nothing when no timeline is requested.
/// </para>
/// </summary>
public sealed class Timeline : IVcpuRunObserver, IDisposable
{
    /// <summary>The host layer's track; vCPU n is track n + 1.</summary>
    public const int HostTrack = 0;

    private readonly Vmm _vmm;
    private readonly TimelineWriter _out;
    private readonly Action<HostEvent> _onHostEvent;
    private readonly TextWriter? _owned;
    private readonly VcpuTrack[] _tracks;
    private int _resetsSeen;
    private bool _dirtySamplePending = true;
    private double _lastDirtySample = double.NegativeInfinity;
    private bool _finished;

    /// <summary>The state of one vCPU's track: where its current slice began, and an open sleep.</summary>
    private sealed class VcpuTrack
    {
        public double StartTs;
        public ulong StartRetired;
        public ulong StartExceptions;
        public string? Sleep;
    }

    private Timeline(Vmm vmm, TextWriter output, string label, bool ownsOutput)
    {
        _vmm = vmm;
        _owned = ownsOutput ? output : null;
        _out = new TimelineWriter(output, label, ClockDescription);
        _tracks = vmm.Vcpus.Select(v => new VcpuTrack { StartRetired = v.Cpu.Executed, StartExceptions = v.Cpu.ExceptionsTaken }).ToArray();
        _resetsSeen = vmm.Resets;
        _out.ThreadName(HostTrack, "host (KVM layer)", 0);
        for (int i = 0; i < _tracks.Length; i++) _out.ThreadName(i + 1, $"vCPU {i}", i + 1);
        _onHostEvent = OnHostEvent;
        vmm.Vm.Events.Observer += _onHostEvent;
        foreach (var v in vmm.Vcpus) v.RunObserver = this;
    }

    public const string ClockDescription =
        "virtual: the system counter (62.5 MHz, one tick per 16 instructions retired by all PEs, plus ticks skipped while every PE waited), in microseconds";

    /// <summary>Starts a timeline of <paramref name="vmm"/> written to <paramref name="output"/> (closed by <see cref="Dispose"/>).</summary>
    public static Timeline Attach(Vmm vmm, TextWriter output, string label) => new(vmm, output, label, ownsOutput: false);

    /// <summary>A timeline written to the file at <paramref name="path"/> (IOException and UnauthorizedAccessException
    /// reach the caller, which names its option).</summary>
    public static Timeline ToFile(Vmm vmm, string path, string label) => new(vmm, new StreamWriter(path), label, ownsOutput: true);

    /// <summary>Current virtual time in microseconds.</summary>
    private double Now() => _vmm.Machine.CpuSystem.SystemCounter() * 1e6 / CpuSystem.CounterFrequency;

    public void Entered(Vcpu vcpu)
    {
        // The VMM runs one vCPU at a time: whatever the others retired ends where this one starts.
        FlushAll("switch");
        var t = _tracks[vcpu.Id];
        if (t.Sleep != null) EndSleep(vcpu.Id, t);
    }

    public void Exited(Vcpu vcpu, in CpuExit exit)
    {
        string why = ExitName(exit);
        Flush(vcpu.Id, why);
        bool wfx = exit.Reason == ExitReason.WaitForInterrupt
                   || exit.Reason == ExitReason.TrapToEl2 && exit.ExceptionClass == ExceptionClass.WfiWfe;
        if (wfx && _tracks[vcpu.Id].Sleep == null)
        {
            string name = (exit.Iss & 1) == 0 ? "WFI sleep" : "WFE sleep";
            _tracks[vcpu.Id].Sleep = name;
            _out.Begin(vcpu.Id + 1, name, Now());
        }
    }

    private static string ExitName(in CpuExit exit) => exit.Reason switch
    {
        ExitReason.Stage2Abort => "stage-2 abort",
        ExitReason.Hypercall => "HVC",
        ExitReason.SecureMonitorCall => "SMC",
        ExitReason.TrapToEl2 => exit.ExceptionClass switch
        {
            ExceptionClass.WfiWfe => (exit.Iss & 1) == 0 ? "WFI" : "WFE",
            ExceptionClass.SysReg64 => "system register trap",
            _ => $"trap EC 0x{exit.ExceptionClass:X2}",
        },
        ExitReason.Semihosting => "semihosting",
        ExitReason.WaitForInterrupt => (exit.Iss & 1) == 0 ? "WFI" : "WFE",
        _ => exit.Reason.ToString(),
    };

    private void OnHostEvent(HostEvent e)
    {
        FlushAll("host");
        double now = Now();
        CheckResets(now);
        if (e.Kind == HostEventKind.VcpuInit && e.Vcpu >= 0 && e.Vcpu < _tracks.Length && _tracks[e.Vcpu].Sleep != null)
            EndSleep(e.Vcpu, _tracks[e.Vcpu]);
        var (name, args) = TimelineHostEvents.Describe(e);
        _out.Instant(HostTrack, name, now, args);
        if (TimelineHostEvents.ChangesDirtyLines(e.Kind)) _dirtySamplePending = true;
    }

    /// <summary>The VMM's resets (QEMU's system reset: reload, re-init) are not host events; they show as a count change.</summary>
    private void CheckResets(double now)
    {
        while (_resetsSeen < _vmm.Resets)
        {
            _resetsSeen++;
            _out.Instant(HostTrack, "system reset (VMM)", now, new[] { ("resets", TimelineWriter.Number(_resetsSeen)) });
        }
    }

    private void FlushAll(string why)
    {
        for (int i = 0; i < _tracks.Length; i++) Flush(i, why);
    }

    /// <summary>Ends vCPU <paramref name="id"/>'s current slice here (if it executed anything) and starts the next one.</summary>
    private void Flush(int id, string endedBy)
    {
        var t = _tracks[id];
        var cpu = _vmm.Vcpus[id].Cpu;
        double now = Now();
        ulong retired = cpu.Executed, exceptions = cpu.ExceptionsTaken;   // with faulting attempts (CPU-RET-1), as the run counts
        if (retired > t.StartRetired)
        {
            ulong taken = exceptions - t.StartExceptions;
            _out.Complete(id + 1, "guest", t.StartTs, now - t.StartTs, new[]
            {
                ("instructions", TimelineWriter.Number(retired - t.StartRetired)),
                ("exceptionsTaken", TimelineWriter.Number(taken)),
                ("endedBy", TimelineWriter.String(endedBy)),
            });
            if (taken > 0)
                _out.Instant(id + 1, taken == 1 ? "exception taken" : $"{taken} exceptions taken", now,
                    new[] { ("count", TimelineWriter.Number(taken)) });
            SampleDirtyLines(now, force: false);
        }
        t.StartTs = now;
        t.StartRetired = retired;
        t.StartExceptions = exceptions;
    }

    private void EndSleep(int id, VcpuTrack t)
    {
        _out.End(id + 1, t.Sleep!, Now());
        t.Sleep = null;
    }

    /// <summary>
    /// Dirty lines per cache level (a "C" counter): sampled after host maintenance and at most once per 10 µs of virtual
    /// time otherwise (a sample scans every line of every cache).
    /// </summary>
    private void SampleDirtyLines(double now, bool force)
    {
        if (_vmm.Machine.MemorySystem.Inspection is not { } caches) return;
        if (!force && !_dirtySamplePending && now - _lastDirtySample < 10) return;
        _dirtySamplePending = false;
        _lastDirtySample = now;
        var perLevel = caches.DirtyLinesPerLevel();
        _out.Counter(HostTrack, "dirty lines", now, perLevel.Select(kv => (kv.Key, TimelineWriter.Number(kv.Value))).ToArray());
    }

    /// <summary>Closes every open slice and sleep and finishes the JSON (idempotent).</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        FlushAll("end of run");
        double now = Now();
        CheckResets(now);
        for (int i = 0; i < _tracks.Length; i++)
            if (_tracks[i].Sleep != null) EndSleep(i, _tracks[i]);
        SampleDirtyLines(now, force: true);
        _vmm.Vm.Events.Observer -= _onHostEvent;
        foreach (var v in _vmm.Vcpus)
            if (v.RunObserver == this) v.RunObserver = null;
        _out.Close();
        _owned?.Dispose();
    }

    public void Dispose() => Finish();
}
