using System.Diagnostics;
using Arm64Vm.Cpu;
using Arm64Vm.Host.Images;

namespace Arm64Vm.Host;

/// <summary>
/// The machine's monitor: loads the images, powers on the boot PE at the entry point, runs the PEs round-robin in
/// fixed quanta (deterministic), and services what they exit for: PSCI over HVC, semihosting, WFI. A SYSTEM_RESET
/// resets every PE and reloads the images, as QEMU does.
/// </summary>
public sealed class Vmm
{
    /// <summary>Instructions a PE runs before the next one gets its turn.</summary>
    public const ulong Quantum = 10_000;

    private readonly Machine _machine;
    private readonly IReadOnlyList<LoadedImage> _images;
    private readonly bool[] _on;
    private readonly Semihosting _semihosting;
    private volatile bool _interrupt;

    public Vmm(Machine machine, IReadOnlyList<LoadedImage> images, Action<byte>? console = null)
    {
        if (images.Count == 0) throw new ArgumentException("at least one image is needed", nameof(images));
        _machine = machine;
        _images = images;
        _on = new bool[machine.Cpus.Count];
        _semihosting = new Semihosting(console ?? (b => machine.Uart.Write(0, 1, b)));
    }

    public Machine Machine => _machine;

    /// <summary>Stop at SYSTEM_RESET instead of rebooting (scenarios want to act between boots).</summary>
    public bool StopOnReset { get; set; }

    /// <summary>Called before every instruction when set (slow: single-steps the PEs).</summary>
    public Action<CpuCore>? BeforeInstruction { get; set; }
    public Action<CpuCore>? AfterInstruction { get; set; }

    public int Resets { get; private set; }

    /// <summary>Asks a running <see cref="Run"/> to stop (thread-safe; used for Ctrl-C).</summary>
    public void Interrupt()
    {
        _interrupt = true;
        foreach (var cpu in _machine.Cpus) cpu.RequestStop();
    }

    /// <summary>Loads the images and puts PE 0 at the entry point, EL1h, MMU off; the other PEs stay off.</summary>
    public void Boot()
    {
        foreach (var img in _images) _machine.LoadImage(img);
        _machine.CpuSystem.CodeCache.Clear();
        for (int i = 0; i < _machine.Cpus.Count; i++)
        {
            var cpu = _machine.Cpus[i];
            cpu.Reset();
            _on[i] = i == 0;
        }
        _machine.Cpus[0].Pc = _images[0].Entry;
        _semihosting.Reset();
    }

    public RunOutcome Run(ulong maxInstructions)
    {
        var sw = Stopwatch.StartNew();
        ulong start = TotalRetired();
        _interrupt = false;
        while (true)
        {
            ulong done = TotalRetired() - start;
            if (_interrupt) return Outcome(StopReason.Interrupted, 130, "interrupted", start, sw);
            if (done >= maxInstructions)
                return Outcome(StopReason.InstructionLimit, 3, $"instruction limit reached ({maxInstructions:N0} instructions)", start, sw);
            bool anyRan = false;
            bool allIdle = true;
            for (int i = 0; i < _machine.Cpus.Count; i++)
            {
                if (!_on[i]) continue;
                var cpu = _machine.Cpus[i];
                ulong left = maxInstructions - (TotalRetired() - start);
                if (left == 0) break;
                var exit = RunCpu(cpu, Math.Min(Quantum, left));
                anyRan = true;
                var outcome = HandleExit(cpu, i, exit, start, sw, ref allIdle);
                if (outcome != null) return outcome;
                if (_interrupt) break;
            }
            if (!anyRan) return Outcome(StopReason.Idle, 4, "every CPU is powered off", start, sw);
            if (allIdle) return Outcome(StopReason.Idle, 4, "every CPU waits for an interrupt that nothing can raise (WFI/WFE)", start, sw);
        }
    }

    private CpuExit RunCpu(CpuCore cpu, ulong budget)
    {
        if (BeforeInstruction == null && AfterInstruction == null) return cpu.Run(budget);
        CpuExit exit = default;
        for (ulong n = 0; n < budget; n++)
        {
            BeforeInstruction?.Invoke(cpu);
            exit = cpu.Run(1);
            AfterInstruction?.Invoke(cpu);
            if (exit.Reason != ExitReason.InstructionLimit) return exit;
        }
        return exit;
    }

    private RunOutcome? HandleExit(CpuCore cpu, int index, CpuExit exit, ulong start, Stopwatch sw, ref bool allIdle)
    {
        switch (exit.Reason)
        {
            case ExitReason.InstructionLimit:
                allIdle = false;
                return null;
            case ExitReason.StopRequested:
                allIdle = false;
                return null;
            case ExitReason.WaitForInterrupt:
                return null;
            case ExitReason.Semihosting:
                allIdle = false;
                _semihosting.Handle(cpu);
                if (_semihosting.ExitStatus is int status)
                    return Outcome(StopReason.SemihostingExit, status, $"guest exited with status {status}", start, sw);
                return null;
            case ExitReason.Hypercall:
                allIdle = false;
                return HandlePsci(cpu, index, start, sw);
            case ExitReason.SecureMonitorCall:
            case ExitReason.TrapToEl2:
            case ExitReason.Stage2Abort:
            default:
                return Outcome(StopReason.GuestError, 1,
                    $"CPU {index} at PC 0x{cpu.Pc:X}: unhandled exit to EL2: {exit}", start, sw);
        }
    }

    private RunOutcome? HandlePsci(CpuCore cpu, int index, ulong start, Stopwatch sw)
    {
        uint fn = cpu.W(0);
        long r;
        switch (fn)
        {
            case Psci.Version: r = (long)Psci.VersionValue; break;
            case Psci.Features: r = Psci.IsImplemented(cpu.W(1)) ? Psci.Success : Psci.NotSupported; break;
            case Psci.MigrateInfoType: r = (long)Psci.NoTrustedOs; break;
            case Psci.SystemOff:
                return Outcome(StopReason.SystemOff, 0, "PSCI SYSTEM_OFF", start, sw);
            case Psci.SystemReset:
                Resets++;
                if (StopOnReset) return Outcome(StopReason.SystemReset, 0, "PSCI SYSTEM_RESET", start, sw);
                Boot();
                return null;
            case Psci.CpuOff:
                _on[index] = false;
                cpu.IsHalted = true;
                return null;
            case Psci.CpuOn32:
            case Psci.CpuOn64:
                r = CpuOn(cpu.X(1), cpu.X(2), cpu.X(3));
                break;
            case Psci.AffinityInfo32:
            case Psci.AffinityInfo64:
            {
                int t = FindCpu(cpu.X(1));
                r = t < 0 ? Psci.InvalidParameters : (_on[t] ? 0 : 1);
                break;
            }
            case Psci.CpuSuspend32:
            case Psci.CpuSuspend64:
                r = Psci.Success;   // standby: returns at once (no wake-up sources to wait for)
                break;
            default:
                r = Psci.NotSupported;
                break;
        }
        cpu.SetX(0, (ulong)r);
        return null;
    }

    private int FindCpu(ulong mpidr)
    {
        for (int i = 0; i < _machine.Cpus.Count; i++)
            if ((_machine.Cpus[i].SysRegs.Get("MPIDR_EL1") & 0xFF_00FF_FFFFUL) == (mpidr & 0xFF_00FF_FFFFUL)) return i;
        return -1;
    }

    private long CpuOn(ulong targetMpidr, ulong entry, ulong context)
    {
        int t = FindCpu(targetMpidr);
        if (t < 0) return Psci.InvalidParameters;
        if (_on[t]) return Psci.AlreadyOn;
        var target = _machine.Cpus[t];
        target.Reset();
        target.Pc = entry;
        target.SetX(0, context);
        _on[t] = true;
        return Psci.Success;
    }

    private ulong TotalRetired()
    {
        ulong n = 0;
        foreach (var c in _machine.Cpus) n += c.Retired;
        return n;
    }

    private RunOutcome Outcome(StopReason reason, int code, string message, ulong start, Stopwatch sw) =>
        new(reason, code, message, TotalRetired() - start, sw.Elapsed, Resets);
}
