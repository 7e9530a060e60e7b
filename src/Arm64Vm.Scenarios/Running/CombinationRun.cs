using System.Diagnostics;
using System.Text;
using Arm64Vm.Host;
using Arm64Vm.Host.Kvm;
using Arm64Vm.Scenarios.Model;

namespace Arm64Vm.Scenarios.Running;

/// <summary>
/// Executes the steps of one bound combination on a fresh <see cref="Vmm"/> (single-threaded, so the same file and
/// seed give the same console, counters and results). A run step that ends the wrong way fails the combination and
/// skips the remaining steps; failed expectations are recorded and the steps go on.
/// </summary>
internal sealed partial class CombinationRun : IDisposable
{
    private readonly ScenarioConfig _config;
    private readonly CombinationResult _result;
    private readonly StringBuilder _console = new();
    private readonly TextWriter? _events;
    private int? _exitStatus;
    private Vmm _vmm = null!;

    public CombinationRun(ScenarioConfig config, CombinationResult result, TextWriter? events)
    {
        _config = config;
        _result = result;
        _events = events;
    }

    public Vmm Vmm => _vmm;
    /// <summary>Where to write the run's timeline (Chrome trace-event JSON), or null for none.</summary>
    public string? TimelinePath { get; init; }

    public void Execute()
    {
        var sw = Stopwatch.StartNew();
        _vmm = new Vmm(_config.ToVmmOptions(b => _console.Append((char)b), MakeDrives()), new[] { _config.RunImage }) { StopOnReset = true };
        if (_events != null) _vmm.Vm.Events.Observer = e => _events.WriteLine(e.ToString());
        StartStaleReadDetector();
        using var timeline = TimelinePath != null ? Arm64Vm.Host.Tracing.Timeline.ToFile(_vmm, TimelinePath, _result.Scenario + " " + _result.Combination.Label) : null;
        _vmm.Boot();
        foreach (var step in _config.Steps)
        {
            if (!ExecuteGuarded(step)) break;
        }
        sw.Stop();
        _result.HostSeconds = sw.Elapsed.TotalSeconds;
        _result.Counters = _vmm.Vm.Counters.ToDictionary();
        _result.Extra["resets"] = _vmm.Resets;
        foreach (var (k, v) in StaleMetrics()) _result.Extra[k] = v;
        _result.StaleReads = StaleReport();
        _result.Console = _console.ToString();
    }

    /// <summary>
    /// A step that throws (the emulator or the runner failing, never the guest's doing) is a host error: recorded as such,
    /// so no expected row can accept it, and the remaining steps are skipped.
    /// </summary>
    private bool ExecuteGuarded(Step step)
    {
        try { return ExecuteStep(step); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _result.Failures.Add(new Failure(step.Label, "host error", $"{e.GetType().Name}: {e.Message}", step.Location.ToString(), FailureKind.HostError));
            return false;
        }
    }

    /// <summary>False when the remaining steps must be skipped.</summary>
    private bool ExecuteStep(Step step)
    {
        switch (step)
        {
            case RunStep run:
                return Run(run);
            case ExpectStep expect:
                if (expect.Applies)
                    foreach (var check in expect.Checks) Evaluate(expect, check);
                return true;
            case HostWriteStep w:
                foreach (var run in w.Writes) _vmm.Vm.WriteGuest(run.At, run.Data);
                return true;
            case HostFillStep f:
                _vmm.Vm.FillGuest(f.At, f.Size, f.Value);
                return true;
            case VcpuInitStep init:
                InitVcpus(init);
                return true;
            case ResetStep:
                _vmm.ResetSystem();
                return true;
            case SetRegistersStep set:
            {
                var vcpu = _vmm.Vcpus[set.Vcpu];
                foreach (var (reg, value) in set.X) vcpu.SetX(reg, value);
                if (set.Pc is { } pc) vcpu.Pc = pc;
                return true;
            }
            case DirtyLogStep log:
                SetDirtyLog(log);
                return true;
            case MigrateStep migrate:
                return Migrate(migrate);
            case HostReadStep or SwapPageStep or BreakCowStep:
                return HostMemory(step);
            default:
                throw new InvalidOperationException($"no runner for {step.Kind}");
        }
    }

    private void InitVcpus(VcpuInitStep init)
    {
        if (init.Vcpu is not { } n)
        {
            _vmm.InitVcpus();
            if (init.Pc is { } pc0) _vmm.Vcpus[0].Pc = pc0;
            return;
        }
        var vcpu = _vmm.Vcpus[n];
        vcpu.Init(powerOff: init.PowerOff ?? n != 0);
        if (init.Pc is { } pc) vcpu.Pc = pc;
        else if (n == 0) vcpu.Pc = _config.RunImage.Entry;
    }

    private static readonly Dictionary<RunUntil, StopReason> UntilReasons = new()
    {
        [RunUntil.SystemReset] = StopReason.SystemReset,
        [RunUntil.SystemOff] = StopReason.SystemOff,
        [RunUntil.Exit] = StopReason.SemihostingExit,
        [RunUntil.Instructions] = StopReason.InstructionLimit,
        [RunUntil.Idle] = StopReason.Idle,
    };

    private bool Run(RunStep step)
    {
        var outcome = _vmm.Run(step.MaxInstructions);
        _result.Instructions += outcome.Instructions;
        if (outcome.Reason == StopReason.SemihostingExit) _exitStatus = outcome.ExitCode;
        _result.Runs.Add($"{step.Label}: {outcome.Message} after {outcome.Instructions:N0} instructions");
        if (outcome.Reason == UntilReasons[step.Until] || step.OrUntil.Any(u => outcome.Reason == UntilReasons[u])) return true;
        _result.Failures.Add(new Failure(step.Label, $"until {string.Join(" or ", step.OrUntil.Prepend(step.Until).Select(Kebab))}",
            $"the run ended with {outcome.Message} after {outcome.Instructions:N0} instructions", step.Location.ToString(), FailureKind.Run));
        return false;
    }

    private static string Kebab(RunUntil u) => u switch
    {
        RunUntil.SystemReset => "system-reset",
        RunUntil.SystemOff => "system-off",
        RunUntil.Exit => "exit",
        RunUntil.Instructions => "instructions",
        _ => "idle",
    };

    public void Dispose()
    {
        _vmm?.Dispose();
        DeleteDrives();
    }
}
