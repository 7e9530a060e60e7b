using System.Diagnostics;
using Arm64Vm.Host.Kvm;

namespace Arm64Vm.Host;

public sealed partial class Vmm
{
    /// <summary>
    /// Runs one instruction of one vCPU (a debugger's single step), serving its exit as <see cref="Run"/> does. An MMIO
    /// access is completed before the step returns, so the step ends after the instruction that made it; a vCPU that
    /// waits (WFI) or is powered off retires nothing. The run's count includes a re-executed instruction's faulting
    /// attempt (CpuCore.Executed), as in a run; the PE's retired count does not (CPU-RET-1). Returns the outcome when the exit ends the run (the guest exited,
    /// powered the system off, or failed), else null.
    /// </summary>
    public RunOutcome? Step(Vcpu vcpu)
    {
        var sw = Stopwatch.StartNew();
        ulong start = TotalRetired();
        bool allIdle = true;
        ServiceDevices();
        vcpu.Kick();
        // A read the previous run left pending completes now: that is this step's instruction.
        if (vcpu.PendingMmio != null) return HandleExit(vcpu, vcpu.Run(0), start, sw, ref allIdle);
        // A fault the host resolves (a stage-2 fault on the fetch or the access) ends the one-instruction run with the
        // instruction counted but not executed: it is run again, as the guest would re-execute it.
        for (int attempt = 0; attempt < 4; attempt++)
        {
            ulong pc = vcpu.Pc;
            long exits = Vm.Counters.Exits;
            var exit = vcpu.Run(1);
            var outcome = HandleExit(vcpu, exit, start, sw, ref allIdle);
            if (outcome != null) return outcome;
            if (exit.Reason == VcpuExitReason.Mmio)
            {
                vcpu.Run(0);
                return null;
            }
            if (exit.Reason != VcpuExitReason.InstructionLimit || vcpu.Pc != pc || Vm.Counters.Exits == exits) return null;
        }
        return null;
    }
}
