using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// A vCPU of a <see cref="Vm"/> (KVM_CREATE_VCPU), running on one physical PE of the machine: init/re-init (H1), the
/// run loop that services exits in the host (stage-2 faults H3-H5, trapped system registers H6, PSCI H8) and returns
/// to the VMM only for what KVM returns to user space (MMIO H9, system events, errors).
/// </summary>
public sealed partial class Vcpu
{
    private MmioAccess? _pendingMmio;
    private volatile bool _stopRequested;

    internal Vcpu(Vm vm, int id, CpuCore cpu)
    {
        Vm = vm;
        Id = id;
        Cpu = cpu;
        // Until KVM_ARM_VCPU_INIT the PE is parked: it retires nothing.
        cpu.IsHalted = true;
    }

    public Vm Vm { get; }
    public int Id { get; }
    /// <summary>The PE this vCPU is loaded on; its architectural registers are the vCPU's registers.</summary>
    public CpuCore Cpu { get; private set; }
    public bool Initialized { get; private set; }
    /// <summary>A timeline's view of KVM_RUN (Tracing/Timeline.cs); null, the default, costs one test per exit.</summary>
    public IVcpuRunObserver? RunObserver { get; set; }
    /// <summary>
    /// vcpu_has_run_once(): sticky from the first KVM_RUN of the initialised vCPU, even one that is powered off
    /// (kvm_arch_vcpu_run_pid_change() succeeds and the vCPU's pid is recorded before it could sleep).
    /// </summary>
    public bool HasRun { get; private set; }
    /// <summary>Powered off (KVM_ARM_VCPU_POWER_OFF, PSCI CPU_OFF, or a system event): retires no instruction.</summary>
    public bool PoweredOff { get; private set; }
    /// <summary>HCR_EL2 the host runs this vCPU with.</summary>
    public ulong Hcr => Cpu.HcrEl2;

    public ulong Pc { get => Cpu.Pc; set { Cpu.Pc = value; Cpu.NextPc = value; Cpu.InvalidateFetch(); } }
    /// <summary>X0..X30 (31 reads as zero). The PE's own accessors do not range-check (its handlers pass 5-bit fields):
    /// a host caller's number is checked here.</summary>
    public ulong GetX(int r) => Cpu.X(CheckX(r));
    /// <summary>Writes X0..X30 (31 is the zero register: ignored).</summary>
    public void SetX(int r, ulong value) => Cpu.SetX(CheckX(r), value);

    private static int CheckX(int r) =>
        (uint)r < 32 ? r : throw new ArgumentOutOfRangeException(nameof(r), r, "an X register number is 0..31");

    /// <summary>Ends a running <see cref="Run"/> after the instruction in flight (thread-safe).</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        Cpu.RequestStop();
    }

    /// <summary>
    /// KVM_ARM_VCPU_INIT (H1; Linux 6.12, kvm_arch_vcpu_ioctl_vcpu_init()). A re-init of a vCPU that has run: without FWB,
    /// unmap every RAM memslot from stage 2; with FWB, leave stage 2 and invalidate every I-cache unless the CPU has DIC.
    /// Then HCR_EL2 for the guest and the architectural reset state of the registers; the PE's TLB and caches are left
    /// as they are (kvm_reset_vcpu() touches neither).
    /// </summary>
    public void Init(bool powerOff = false)
    {
        bool reinit = HasRun;
        Vm.Counters.VcpuInits++;
        Vm.Log(HostEventKind.VcpuInit, Id, 0, 0, detail: reinit ? "re-init" : "first");
        if (reinit)
        {
            if (!Vm.Features.Fwb)
            {
                if (Vm.Policy.UnmapOnInit) Vm.UnmapVm(Id);
                else if (Vm.Policy.FlushOnInit) Vm.FlushVm(Id, "init");
            }
            else if (Vm.Policy.IcacheInvalOnInit && !Vm.Features.Dic)
            {
                // icache_inval_all_pou(): IC IALLUIS, which it skips when the CPU has DIC.
                Vm.Host.InvalidateAllIcaches();
                Vm.Log(HostEventKind.IcacheInvalidate, Id, 0, 0, detail: "init-all");
            }
        }
        ResetArchitecturalState();
        Cpu.HcrEl2 = ResetHcr();
        if ((Cpu.HcrEl2 & Arm64Vm.Cpu.Hcr.TVM) != 0) Vm.Counters.TvmSets++;
        _pendingMmio = null;
        PoweredOff = powerOff;
        Cpu.IsHalted = powerOff;
        Initialized = true;
    }

    /// <summary>vcpu_reset_hcr: the traps and controls KVM runs a guest with.</summary>
    private ulong ResetHcr()
    {
        ulong hcr = Arm64Vm.Cpu.Hcr.VM | Arm64Vm.Cpu.Hcr.SWIO | Arm64Vm.Cpu.Hcr.FB | Arm64Vm.Cpu.Hcr.BSU_IS
                    | Arm64Vm.Cpu.Hcr.PTW | Arm64Vm.Cpu.Hcr.TID2 | Arm64Vm.Cpu.Hcr.TSC | Arm64Vm.Cpu.Hcr.RW;
        if (Vm.Policy.TrapSetWay) hcr |= Arm64Vm.Cpu.Hcr.TSW;
        // Without FWB, trap the VM controls until the guest has its MMU and caches on (kvm_toggle_cache).
        hcr |= Vm.Features.Fwb ? Arm64Vm.Cpu.Hcr.FWB : Arm64Vm.Cpu.Hcr.TVM;
        return hcr;
    }

    /// <summary>kvm_reset_vcpu: EL1h, DAIF masked, MMU and caches off, registers zero; stage-2 controls re-applied.</summary>
    private void ResetArchitecturalState()
    {
        Cpu.ResetRegisters();                                 // the PE's TLB and caches are left alone
        Cpu.VtcrEl2 = Vm.Stage2.Vtcr(Vm.Machine.Config.Features.PaBits);
        Cpu.VttbrEl2 = Vm.Vttbr;
        Cpu.VmpidrEl2 = 0x8000_0000UL | (uint)Id;          // reset_mpidr: MPIDR_EL1 follows the vCPU, not the PE
        ResetInterruptState();                              // the PE's GIC CPU interface and WFI state (GIC-12)
    }

    /// <summary>
    /// KVM_RUN: runs the guest until something the VMM must see, or until <paramref name="maxInstructions"/> are retired.
    /// A pending MMIO read is completed first (H9).
    /// </summary>
    public VcpuExit Run(ulong maxInstructions) => Run(maxInstructions, Cpu.Index);

    /// <summary>KVM_RUN on a chosen physical CPU: the vCPU is first loaded there (H10).</summary>
    public VcpuExit Run(ulong maxInstructions, int physicalCpu)
    {
        // kvm_arch_vcpu_run_pid_change() refuses a vCPU that was never initialised (-ENOEXEC) before anything is loaded.
        if (!Initialized)
            return new VcpuExit(VcpuExitReason.InternalError, 0) { Message = $"vCPU {Id} was run before KVM_ARM_VCPU_INIT" };
        Load(physicalCpu);
        HasRun = true;
        if (PoweredOff) return new VcpuExit(VcpuExitReason.PoweredOff, 0);
        CompletePendingMmio();
        _stopRequested = false;
        if (!SyncInterrupts()) return new VcpuExit(VcpuExitReason.Idle, 0);     // IRQ-3: still in WFI
        RunObserver?.Entered(this);
        // Counts are of instructions executed, faulting attempts included (CPU-RET-1: they do not retire), so a
        // guest caught in a loop of exceptions still reaches the budget.
        ulong start = Cpu.Executed;
        while (true)
        {
            ulong done = Cpu.Executed - start;
            if (done >= maxInstructions) return new VcpuExit(VcpuExitReason.InstructionLimit, done);
            if (_stopRequested) return new VcpuExit(VcpuExitReason.Interrupted, done);
            var exit = Cpu.Run(BeginSlice(maxInstructions - done));
            Cpu.UpdatePmuOutput();   // IRQ-4: an overflow during the slice is signalled at its end
            if (exit.Reason == ExitReason.InstructionLimit) continue;
            if (exit.Reason == ExitReason.StopRequested) return new VcpuExit(VcpuExitReason.Interrupted, Cpu.Executed - start);
            Vm.Counters.Exits++;
            RunObserver?.Exited(this, exit);
            var result = HandleExit(exit);
            if (result != null) return result with { Instructions = Cpu.Executed - start };
        }
    }

    /// <summary>Services one exit in the host; null when the guest can go on.</summary>
    private VcpuExit? HandleExit(in CpuExit exit)
    {
        switch (exit.Reason)
        {
            case ExitReason.Stage2Abort:
            {
                var outcome = Vm.HandleStage2Abort(this, exit);
                if (outcome.Resolution == FaultResolution.Exit)
                {
                    if (outcome.Exit!.Reason == VcpuExitReason.Mmio)
                    {
                        _pendingMmio = outcome.Exit.Mmio;
                        if (TryHandleVgicMmio(_pendingMmio!)) return null;
                    }
                    return outcome.Exit;
                }
                return null;
            }
            case ExitReason.Hypercall:
                return HandleSmccc(smc: false);
            case ExitReason.SecureMonitorCall:
                return HandleSmccc(smc: true);
            case ExitReason.TrapToEl2:
                return HandleTrap(exit);
            case ExitReason.Semihosting:
                return new VcpuExit(VcpuExitReason.Semihosting, 0);
            case ExitReason.HostDebug:     // HOSTDBG-4: KVM_EXIT_DEBUG
                return new VcpuExit(VcpuExitReason.DebugStop, 0) { Debug = new DebugStopInfo(exit.DebugStop, exit.Far) };
            case ExitReason.WaitForInterrupt:
                EnterWait(exit.Iss);
                return new VcpuExit(VcpuExitReason.Idle, 0);
            default:
                return new VcpuExit(VcpuExitReason.InternalError, 0) { Message = $"unexpected exit {exit}" };
        }
    }

    private VcpuExit? HandleTrap(in CpuExit exit)
    {
        switch (exit.ExceptionClass)
        {
            case ExceptionClass.SysReg64:
                EmulateSystemRegister(exit.Iss);
                return null;
            case ExceptionClass.WfiWfe:
                SkipInstruction();
                EnterWait(exit.Iss);
                return new VcpuExit(VcpuExitReason.Idle, 0);
            default:
                return new VcpuExit(VcpuExitReason.InternalError, 0)
                { Message = $"unhandled trap to EL2 at PC 0x{Cpu.Pc:X}: ESR 0x{exit.Esr:X8}" };
        }
    }

    /// <summary>Advances the PC past the instruction that exited (kvm_incr_pc).</summary>
    internal void SkipInstruction()
    {
        Cpu.Pc += 4;
        Cpu.NextPc = Cpu.Pc;
    }

    /// <summary>kvm_inject_pabt / kvm_inject_dabt: a synchronous abort taken to the guest's EL1 at the current instruction.</summary>
    internal void InjectAbort(bool instruction, ulong far, uint fsc, bool write = false)
    {
        Vm.Counters.InjectedAborts++;
        Vm.Log(HostEventKind.InjectAbort, Id, far, 0, detail: instruction ? "instruction" : "data");
        Cpu.NextPc = Cpu.Pc;
        if (instruction) Cpu.TakeInstructionAbort(far, fsc);
        else Cpu.TakeDataAbort(far, fsc, write);
        Cpu.Pc = Cpu.NextPc;
    }

    internal void InjectUndefined()
    {
        Cpu.NextPc = Cpu.Pc;
        Cpu.TakeUndefined();
        Cpu.Pc = Cpu.NextPc;
    }

    /// <summary>Powers the vCPU off (PSCI CPU_OFF or a system event).</summary>
    internal void PowerOff()
    {
        PoweredOff = true;
        Cpu.IsHalted = true;
        Cpu.RequestStop();
    }

    /// <summary>
    /// KVM_SET_MP_STATE: STOPPED powers the vCPU off; RUNNABLE lets it run again with its registers as they are (a
    /// vCPU stopped by a system event then returns from its PSCI call with X0 = INTERNAL_FAILURE).
    /// </summary>
    public void SetMpState(bool runnable)
    {
        if (!runnable)
        {
            PowerOff();
            return;
        }
        PoweredOff = false;
        Cpu.IsHalted = false;
    }

    /// <summary>PSCI CPU_ON on this vCPU: reset with the entry point and context id; stage 2 is left alone (H8).</summary>
    internal void PowerOn(ulong entry, ulong context)
    {
        ulong hcr = Cpu.HcrEl2;
        ResetArchitecturalState();
        Cpu.HcrEl2 = hcr;
        Pc = entry;
        Cpu.SetX(0, context);
        PoweredOff = false;
        Cpu.IsHalted = false;
    }
}
