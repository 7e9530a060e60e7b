namespace Arm64Vm.Cpu;

/// <summary>Why <see cref="CpuCore.Run"/> returned to its caller (the host layer, playing EL2).</summary>
public enum ExitReason
{
    None = 0,
    /// <summary>The instruction budget of this Run call is spent.</summary>
    InstructionLimit,
    /// <summary>HVC from EL1 (routed to EL2). <see cref="CpuExit.Esr"/> has EC 0x16 and the immediate.</summary>
    Hypercall,
    /// <summary>SMC trapped to EL2 by HCR_EL2.TSC (EC 0x17).</summary>
    SecureMonitorCall,
    /// <summary>A synchronous exception routed to EL2 other than HVC/SMC: a trapped instruction or system register.</summary>
    TrapToEl2,
    /// <summary>Stage-2 instruction or data abort (EC 0x20/0x24); FAR/HPFAR are valid.</summary>
    Stage2Abort,
    /// <summary>Semihosting call (HLT #0xF000): operation in W0, parameter in X1.</summary>
    Semihosting,
    /// <summary>WFI (or WFE) with nothing to wake the PE.</summary>
    WaitForInterrupt,
    /// <summary>The host asked the CPU to stop (<see cref="CpuCore.RequestStop"/>).</summary>
    StopRequested,
    /// <summary>A host breakpoint, watchpoint or single step (HOSTDBG-1..3): <see cref="CpuExit.DebugStop"/> and <see cref="CpuExit.Far"/> (the address).</summary>
    HostDebug,
}

/// <summary>An exit record: what the host needs to emulate the event, shaped like what KVM reads at EL2.</summary>
public struct CpuExit
{
    public ExitReason Reason;
    /// <summary>ESR_EL2 of the exception that caused the exit.</summary>
    public uint Esr;
    /// <summary>FAR_EL2 (faulting virtual address) for aborts.</summary>
    public ulong Far;
    /// <summary>HPFAR_EL2: faulting IPA bits [51:12] placed at [43:4], for stage-2 aborts.</summary>
    public ulong Hpfar;
    /// <summary>The faulting IPA for stage-2 aborts (convenience: HPFAR page + FAR offset).</summary>
    public ulong Ipa;
    /// <summary>For <see cref="ExitReason.HostDebug"/>: what stopped the vCPU (the address is in <see cref="Far"/>).</summary>
    public DebugStopKind DebugStop;

    public readonly uint ExceptionClass => Esr >> 26;
    public readonly uint Iss => Esr & 0x1FF_FFFF;

    public override readonly string ToString() => Reason switch
    {
        ExitReason.Stage2Abort => $"{Reason} ESR=0x{Esr:X8} FAR=0x{Far:X} IPA=0x{Ipa:X}",
        ExitReason.HostDebug => $"{Reason} {DebugStop} 0x{Far:X}",
        ExitReason.None or ExitReason.InstructionLimit or ExitReason.StopRequested or ExitReason.WaitForInterrupt => Reason.ToString(),
        _ => $"{Reason} ESR=0x{Esr:X8}",
    };
}
