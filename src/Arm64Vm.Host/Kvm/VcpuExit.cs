namespace Arm64Vm.Host.Kvm;

/// <summary>Why <see cref="Vcpu.Run"/> returned to the VMM (struct kvm_run's exit_reason).</summary>
public enum VcpuExitReason
{
    /// <summary>The instruction budget of this call is spent.</summary>
    InstructionLimit,
    /// <summary>KVM_EXIT_MMIO: a guest access outside every memslot; complete it and call Run again.</summary>
    Mmio,
    /// <summary>KVM_EXIT_SYSTEM_EVENT: PSCI SYSTEM_OFF or SYSTEM_RESET.</summary>
    SystemEvent,
    /// <summary>
    /// KVM_EXIT_HYPERCALL: an SMCCC call the host does not implement, forwarded because
    /// <see cref="Vm.ForwardUnknownHypercalls"/> is set (KVM's user-space SMCCC filter). The VMM writes X0 (and more
    /// results if it likes) before the next Run; the PC is already past the HVC.
    /// </summary>
    Hypercall,
    /// <summary>Semihosting call (HLT #0xF000), an emulator extension served by the VMM (KVM has none).</summary>
    Semihosting,
    /// <summary>WFI/WFE with nothing that could wake the vCPU (there is no interrupt source yet).</summary>
    Idle,
    /// <summary>The vCPU is powered off (never started, or PSCI CPU_OFF) and retires nothing.</summary>
    PoweredOff,
    /// <summary>KVM_EXIT_INTERNAL_ERROR: something the host cannot emulate (Message says what).</summary>
    InternalError,
    /// <summary>The VMM asked the vCPU to stop (<see cref="Vcpu.RequestStop"/>).</summary>
    Interrupted,
    /// <summary>
    /// KVM_EXIT_DEBUG: a host breakpoint, watchpoint or single step set on the vCPU's CPU (HOSTDBG-4, specs/debug.md);
    /// <see cref="VcpuExit.Debug"/> says which and where.
    /// </summary>
    DebugStop,
}

/// <summary>A host-debug stop (struct kvm_debug_exit_arch): what stopped the vCPU and the address (PC or watched byte).</summary>
public sealed record DebugStopInfo(Arm64Vm.Cpu.DebugStopKind Kind, ulong Address);

public enum SystemEventKind { Shutdown, Reset }

/// <summary>An MMIO access to complete (struct kvm_run.mmio): on a read the VMM fills <see cref="Data"/>.</summary>
public sealed class MmioAccess
{
    public required ulong Ipa { get; init; }
    public required int Length { get; init; }
    public required bool IsWrite { get; init; }
    /// <summary>For a write: the value written. For a read: set by the VMM before the next Run.</summary>
    public ulong Data { get; set; }
    /// <summary>Syndrome fields for the completion (H9).</summary>
    internal int Register { get; init; }
    internal bool SignExtend { get; init; }
    internal bool SixtyFourBit { get; init; }
    /// <summary>FAR_EL2: the guest's virtual address of the access.</summary>
    public ulong Va { get; init; }
}

/// <summary>The exit record <see cref="Vcpu.Run"/> returns.</summary>
public sealed record VcpuExit(VcpuExitReason Reason, ulong Instructions)
{
    public MmioAccess? Mmio { get; init; }
    public SystemEventKind SystemEvent { get; init; }
    /// <summary>For <see cref="VcpuExitReason.Hypercall"/>: the SMCCC function id (W0).</summary>
    public uint HypercallFunction { get; init; }
    public string Message { get; init; } = "";
    /// <summary>For <see cref="VcpuExitReason.DebugStop"/>.</summary>
    public DebugStopInfo? Debug { get; init; }

    public override string ToString() => Reason switch
    {
        VcpuExitReason.Mmio => $"Mmio {(Mmio!.IsWrite ? "write" : "read")} 0x{Mmio.Ipa:X}/{Mmio.Length}",
        VcpuExitReason.SystemEvent => $"SystemEvent {SystemEvent}",
        VcpuExitReason.Hypercall => $"Hypercall 0x{HypercallFunction:X8}",
        VcpuExitReason.InternalError => $"InternalError: {Message}",
        VcpuExitReason.DebugStop => $"DebugStop {Debug!.Kind} 0x{Debug.Address:X}",
        _ => Reason.ToString(),
    };
}
