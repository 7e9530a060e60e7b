namespace Arm64Vm.Host.Kvm;

/// <summary>
/// H8: SMCCC/PSCI calls over HVC (and SMC, trapped by HCR_EL2.TSC) handled in the host (Linux 6.12,
/// kvm_smccc_call_handler(), kvm_psci_call()). Every call the host answers returns through smccc_set_retval(): X0 is the
/// result and X1-X3 become zero. CPU_ON resets the target with its entry point and context id, nothing else;
/// SYSTEM_OFF and SYSTEM_RESET stop every vCPU and exit with a system event — nothing is reset or cleaned until the VMM
/// re-inits — with X0 preloaded with INTERNAL_FAILURE for a VMM that resumes the vCPU anyway.
/// </summary>
public sealed partial class Vcpu
{
    /// <summary>MPIDR_HWID_BITMASK: the affinity fields Aff3..Aff0 of an MPIDR.</summary>
    private const ulong MpidrHwidMask = 0xFF_00FF_FFFFUL;

    private VcpuExit? HandleSmccc(bool smc)
    {
        // HVC's preferred return is the next instruction; a trapped SMC returns to itself, so skip it.
        if (smc) SkipInstruction();
        uint fn = Cpu.W(0);
        Vm.Counters.PsciCalls++;
        VcpuExit? exit = null;
        if (fn is Psci.CpuSuspend32 or Psci.CpuOn32 or Psci.AffinityInfo32) NarrowArgumentsTo32Bit();
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
                // kvm_psci_system_off()/kvm_psci_system_reset() -> kvm_prepare_system_event(): every vCPU stops. A VMM
                // that resumes the caller anyway sees INTERNAL_FAILURE (kvm_psci_0_2_call() preloads it).
                bool reset = fn == Psci.SystemReset;
                Vm.Log(HostEventKind.Psci, Id, 0, 0, detail: reset ? "SYSTEM_RESET" : "SYSTEM_OFF");
                foreach (var v in Vm.Vcpus) v.PowerOff();
                exit = new VcpuExit(VcpuExitReason.SystemEvent, 0) { SystemEvent = reset ? SystemEventKind.Reset : SystemEventKind.Shutdown };
                r = Psci.InternalFailure;
                break;
            }
            case Psci.CpuOff:
                Vm.Log(HostEventKind.Psci, Id, 0, 0, detail: "CPU_OFF");
                PowerOff();
                exit = new VcpuExit(VcpuExitReason.PoweredOff, 0);
                r = Psci.Success;
                break;
            case Psci.CpuOn32:
            case Psci.CpuOn64:
                r = CpuOn(Cpu.X(1), Cpu.X(2), Cpu.X(3));
                break;
            case Psci.AffinityInfo32:
            case Psci.AffinityInfo64:
                r = AffinityInfo(Cpu.X(1), Cpu.X(2));
                break;
            case Psci.CpuSuspend32:
            case Psci.CpuSuspend64:
                // kvm_psci_vcpu_suspend(): every suspend, a power-down request included, is a WFI that keeps the register
                // state (PSCI 0.2, section 5.4.2); the entry point is ignored and the call returns SUCCESS when the vCPU
                // wakes; the vCPU blocks until an interrupt is signalled, as a WFI does (IRQ-6).
                Vm.Log(HostEventKind.Psci, Id, 0, 0, detail: "CPU_SUSPEND");
                EnterSuspend();
                exit = new VcpuExit(VcpuExitReason.Idle, 0);
                r = Psci.Success;
                break;
            default:
                if (Vm.ForwardUnknownHypercalls)
                    return new VcpuExit(VcpuExitReason.Hypercall, 0) { HypercallFunction = fn };
                r = Psci.NotSupported;  // SMCCC_RET_NOT_SUPPORTED
                break;
        }
        SetReturnValue(r);
        return exit;
    }

    /// <summary>smccc_set_retval(): X0 = the result, X1-X3 = 0.</summary>
    private void SetReturnValue(long r)
    {
        Cpu.SetX(0, (ulong)r);
        for (int i = 1; i <= 3; i++) Cpu.SetX(i, 0);
    }

    /// <summary>kvm_psci_narrow_to_32bit(): an SMC32/HVC32 call's arguments X1-X3 lose their upper halves.</summary>
    private void NarrowArgumentsTo32Bit()
    {
        for (int i = 1; i <= 3; i++) Cpu.SetX(i, Cpu.X(i) & 0xFFFF_FFFFUL);
    }

    /// <summary>kvm_psci_vcpu_on(): the target must be a valid affinity naming a vCPU that is powered off.</summary>
    private long CpuOn(ulong targetMpidr, ulong entry, ulong context)
    {
        if ((targetMpidr & ~MpidrHwidMask) != 0) return Psci.InvalidParameters;     // kvm_psci_valid_affinity()
        var target = FindVcpu(targetMpidr);
        if (target == null) return Psci.InvalidParameters;
        if (!target.PoweredOff) return Psci.AlreadyOn;
        Vm.Log(HostEventKind.Psci, Id, entry, 0, detail: $"CPU_ON vcpu{target.Id}");
        target.PowerOn(entry, context);
        return Psci.Success;
    }

    /// <summary>
    /// kvm_psci_vcpu_affinity_info(): ON (0) if any vCPU whose MPIDR matches the target at and above the lowest affinity
    /// level is not stopped, OFF (1) if every match is, INVALID_PARAMETERS for an affinity outside MPIDR_HWID_BITMASK,
    /// a level above 3, or no match at all.
    /// </summary>
    private long AffinityInfo(ulong targetAffinity, ulong lowestLevel)
    {
        if ((targetAffinity & ~MpidrHwidMask) != 0) return Psci.InvalidParameters;
        if (lowestLevel > 3) return Psci.InvalidParameters;                          // psci_affinity_mask() is 0
        ulong mask = MpidrHwidMask & ~((1UL << (int)(lowestLevel * 8)) - 1);
        targetAffinity &= mask;
        bool matched = false;
        foreach (var v in Vm.Vcpus)
        {
            if ((v.Mpidr & mask) != targetAffinity) continue;
            matched = true;
            if (!v.PoweredOff) return 0;                                             // PSCI_0_2_AFFINITY_LEVEL_ON
        }
        return matched ? 1 : Psci.InvalidParameters;                                 // PSCI_0_2_AFFINITY_LEVEL_OFF
    }

    /// <summary>The vCPU's MPIDR_EL1 (VMPIDR_EL2 as the guest reads it).</summary>
    private ulong Mpidr => Cpu.SysRegs.Get("MPIDR_EL1");

    /// <summary>kvm_mpidr_to_vcpu(): the vCPU whose affinity fields equal those of <paramref name="mpidr"/>.</summary>
    private Vcpu? FindVcpu(ulong mpidr)
    {
        foreach (var v in Vm.Vcpus)
            if ((v.Mpidr & MpidrHwidMask) == (mpidr & MpidrHwidMask)) return v;
        return null;
    }
}
