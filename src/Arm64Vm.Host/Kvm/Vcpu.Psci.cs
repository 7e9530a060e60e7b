namespace Arm64Vm.Host.Kvm;

/// <summary>
/// H8: SMCCC/PSCI calls over HVC (and SMC, trapped by HCR_EL2.TSC) handled in the host (kvm_smccc_call_handler,
/// kvm_psci_call). CPU_ON resets the target with its entry point and context id, nothing else; SYSTEM_OFF and
/// SYSTEM_RESET stop every vCPU and exit with a system event — nothing is reset or cleaned until the VMM re-inits.
/// </summary>
public sealed partial class Vcpu
{
    private VcpuExit? HandleSmccc(bool smc)
    {
        // HVC's preferred return is the next instruction; a trapped SMC returns to itself, so skip it.
        if (smc) SkipInstruction();
        uint fn = Cpu.W(0);
        Vm.Counters.PsciCalls++;
        long r;
        switch (fn)
        {
            case Psci.Version: r = (long)Psci.VersionValue; break;
            case Psci.SmcccVersion: r = 0x10001; break;     // SMCCC v1.1
            case Psci.Features: r = Psci.IsImplemented(Cpu.W(1)) ? Psci.Success : Psci.NotSupported; break;
            case Psci.MigrateInfoType: r = (long)Psci.NoTrustedOs; break;
            case Psci.SystemOff:
            case Psci.SystemReset:
            {
                bool reset = fn == Psci.SystemReset;
                Vm.Log(HostEventKind.Psci, Id, 0, 0, detail: reset ? "SYSTEM_RESET" : "SYSTEM_OFF");
                foreach (var v in Vm.Vcpus) v.PowerOff();           // kvm_prepare_system_event
                return new VcpuExit(VcpuExitReason.SystemEvent, 0) { SystemEvent = reset ? SystemEventKind.Reset : SystemEventKind.Shutdown };
            }
            case Psci.CpuOff:
                Vm.Log(HostEventKind.Psci, Id, 0, 0, detail: "CPU_OFF");
                PowerOff();
                return new VcpuExit(VcpuExitReason.PoweredOff, 0);
            case Psci.CpuOn32:
            case Psci.CpuOn64:
            {
                var target = FindVcpu(Cpu.X(1));
                ulong entry = fn == Psci.CpuOn32 ? Cpu.X(2) & 0xFFFF_FFFF : Cpu.X(2);
                if (target == null) r = Psci.InvalidParameters;
                else if (!target.PoweredOff) r = Psci.AlreadyOn;
                else
                {
                    Vm.Log(HostEventKind.Psci, Id, entry, 0, detail: $"CPU_ON vcpu{target.Id}");
                    target.PowerOn(entry, Cpu.X(3));
                    r = Psci.Success;
                }
                break;
            }
            case Psci.AffinityInfo32:
            case Psci.AffinityInfo64:
            {
                var target = FindVcpu(Cpu.X(1));
                r = target == null ? Psci.InvalidParameters : target.PoweredOff ? 1 : 0;
                break;
            }
            case Psci.CpuSuspend32:
            case Psci.CpuSuspend64:
                r = Psci.Success;       // standby returns at once: there is no wake-up source to wait for
                break;
            default:
                if (Vm.ForwardUnknownHypercalls)
                    return new VcpuExit(VcpuExitReason.Hypercall, 0) { HypercallFunction = fn };
                r = Psci.NotSupported;  // SMCCC_RET_NOT_SUPPORTED
                break;
        }
        Cpu.SetX(0, (ulong)r);
        return null;
    }

    private Vcpu? FindVcpu(ulong mpidr)
    {
        foreach (var v in Vm.Vcpus)
            if ((v.Cpu.SysRegs.Get("MPIDR_EL1") & 0xFF_00FF_FFFFUL) == (mpidr & 0xFF_00FF_FFFFUL)) return v;
        return null;
    }
}
