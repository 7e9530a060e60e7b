using Arm64Vm.Cpu;

namespace Arm64Vm.Host.Kvm;

/// <summary>
/// A vCPU's interrupt plumbing: its vgic CPU interface attached to whichever PE it runs on, the generic timer's outputs
/// fed to its PPIs before every slice of guest execution, a slice cut at the next timer deadline so a timer interrupt
/// arrives at the instruction boundary where the counter reaches it (TMR-3), and WFI that blocks the vCPU until an
/// interrupt is signalled (IRQ-3, kvm_vcpu_block()).
/// </summary>
public sealed partial class Vcpu
{
    private VgicCpu? _gic;

    /// <summary>This vCPU's part of the VM's vgic.</summary>
    public VgicCpu? Gic => _gic;

    /// <summary>IRQ-3: the vCPU executed WFI and sleeps until its IRQ or FIQ input is asserted (or the VMM re-enters).</summary>
    public bool WaitingForInterrupt { get; private set; }

    /// <summary>IRQ-5: the vCPU executed WFE with its event register clear and sleeps until a WFE wake-up event.</summary>
    public bool WaitingForEvent { get; private set; }

    /// <summary>The virtual count when the WFE wait began: an event-stream event after it wakes the vCPU (IRQ-5).</summary>
    private ulong _waitStartVirtual;
    internal void AttachGic(VgicCpu gic)
    {
        _gic = gic;
        Cpu.GicCpuInterface = gic;
    }

    /// <summary>
    /// IRQ-3: the VMM's next KVM_RUN after it regained control returns from a WFI, as KVM does (the PC is already past it):
    /// a permitted spurious wake-up.
    /// </summary>
    public void Kick() => WaitingForInterrupt = WaitingForEvent = false;

    /// <summary>
    /// IRQ-3, IRQ-5: whether a waiting vCPU has a wake-up event: an interrupt signalled (masked or not); for a WFE also
    /// its event register (SEV from any PE) or an event-stream event since the wait began.
    /// </summary>
    public bool WakeUpPending
    {
        get
        {
            if (Cpu.InterruptSignalled) return true;
            if (!WaitingForEvent) return false;
            Cpu.CntvoffEl2 = Vm.CounterOffset;
            return Cpu.EventRegister || EventStream.NextEvent(Cpu, _waitStartVirtual) <= Cpu.CounterValue();
        }
    }
    /// <summary>
    /// A timer's output (TMR-3) differs from the level of its PPI in the vgic: the condition became true (or false)
    /// after the vCPU's last slice, and entering the vCPU sends it (TMR-6: only the host clock moves time between slices).
    /// </summary>
    public bool TimerOutputUnsent
    {
        get
        {
            if (_gic == null) return false;
            Cpu.CntvoffEl2 = Vm.CounterOffset;
            return GenericTimer.Output(Cpu, TimerChannel.Physical) != _gic.Private[GenericTimer.PhysicalPpi].Level
                || GenericTimer.Output(Cpu, TimerChannel.Virtual) != _gic.Private[GenericTimer.VirtualPpi].Level;
        }
    }

    /// <summary>The physical count at which one of this vCPU's timers fires next, or ulong.MaxValue (TMR-4).</summary>
    public ulong NextTimerDeadline
    {
        get
        {
            Cpu.CntvoffEl2 = Vm.CounterOffset;
            ulong deadline = GenericTimer.NextDeadline(Cpu);
            return WaitingForEvent ? Math.Min(deadline, EventStream.NextEvent(Cpu, _waitStartVirtual)) : deadline;
        }
    }

    /// <summary>
    /// Puts the vCPU's interrupt state on its PE (it may have moved, H10): the CPU interface, CNTVOFF, the timer outputs
    /// as PPI levels, and the IRQ/FIQ inputs. Returns false while a WFI still blocks the vCPU.
    /// </summary>
    private bool SyncInterrupts()
    {
        Cpu.GicCpuInterface = _gic;
        Cpu.CntvoffEl2 = Vm.CounterOffset;
        if (_gic != null)
        {
            Cpu.TimerOutputLevels = (_gic.Private[GenericTimer.PhysicalPpi].Level ? 1 : 0) | (_gic.Private[GenericTimer.VirtualPpi].Level ? 2 : 0);
            Cpu.PmuOutputLevel = _gic.Private[CpuCore.PmuPpi].Level;
            GenericTimer.UpdateOutputs(Cpu);
            Cpu.UpdatePmuOutput();
            _gic.UpdateLines();
        }
        if ((WaitingForInterrupt || WaitingForEvent) && !WakeUpPending) return false;
        WaitingForInterrupt = WaitingForEvent = false;
        return true;
    }

    /// <summary>
    /// Before a slice of guest execution: timer outputs sampled, a signalled unmasked interrupt taken at this instruction
    /// boundary (IRQ-2), and the slice cut at the next timer deadline.
    /// </summary>
    private ulong BeginSlice(ulong budget)
    {
        GenericTimer.UpdateOutputs(Cpu);
        Cpu.UpdatePmuOutput();   // IRQ-4
        Cpu.TakePendingInterrupt();
        return Math.Min(budget, Cpu.System.InstructionsUntil(GenericTimer.NextDeadline(Cpu)));
    }

    /// <summary>
    /// A WFI exit (ISS.TI bit 0 = 0) blocks the vCPU until an interrupt (IRQ-3); a WFE exit (TI = 1, taken only with the
    /// event register clear) until a WFE wake-up event (IRQ-5).
    /// </summary>
    private void EnterWait(uint iss)
    {
        if ((iss & 1) == 0)
        {
            WaitingForInterrupt = true;
            return;
        }
        if (Cpu.EventRegister) return;
        WaitingForEvent = true;
        Cpu.CntvoffEl2 = Vm.CounterOffset;
        _waitStartVirtual = Cpu.CounterValue() - Cpu.CntvoffEl2;
    }

    /// <summary>IRQ-6: PSCI CPU_SUSPEND is a WFI in the host (Linux 6.12, kvm_psci_vcpu_suspend() calls kvm_vcpu_wfi()).</summary>
    private void EnterSuspend() => WaitingForInterrupt = true;

    /// <summary>The vgic serves its own frames in the host (GIC-10): the access completes without an exit to the VMM.</summary>
    private bool TryHandleVgicMmio(MmioAccess access)
    {
        if (!Vm.Vgic.HandleMmio(this, access)) return false;
        CompletePendingMmio();
        return true;
    }

    /// <summary>Resets the CPU interface with the PE (vCPU init, PSCI CPU_ON; GIC-12) and ends any WFI.</summary>
    private void ResetInterruptState()
    {
        WaitingForInterrupt = WaitingForEvent = false;
        _gic?.ResetCpuInterface();
        _gic?.Gic.Update();
    }
}
