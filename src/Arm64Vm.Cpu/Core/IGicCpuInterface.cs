namespace Arm64Vm.Cpu;

/// <summary>The GIC CPU interface system registers (Arm GIC architecture spec IHI 0069, chapter 12, ICC_*_EL1).</summary>
public enum IccRegister
{
    Pmr, Iar0, Eoir0, Hppir0, Bpr0, Ap0r0, Ap1r0, Dir, Rpr, Sgi1r, Asgi1r, Sgi0r, Iar1, Eoir1, Hppir1, Bpr1, Ctlr, Sre,
    Igrpen0, Igrpen1,
}

/// <summary>
/// What a PE needs from the interrupt controller behind it: the GICv3 CPU interface reached through the ICC_*_EL1
/// system registers (IRQ-1 in specs/interrupts.md), and the inputs for its private peripheral interrupts (the generic
/// timer outputs, TMR-3; the PMU overflow request, IRQ-4). The host layer's vgic implements it once per vCPU and drives the PE's IRQ and FIQ inputs
/// (<see cref="CpuCore.SetIrqLine"/>, <see cref="CpuCore.SetFiqLine"/>).
/// </summary>
public interface IGicCpuInterface
{
    /// <summary>GICv3 with ICC_SRE_EL1.SRE = 1: the ICC_* registers exist. False for a GICv2 (memory-mapped GICC only).</summary>
    bool SystemRegisterInterface { get; }
    ulong ReadIcc(IccRegister register);
    void WriteIcc(IccRegister register, ulong value);
    /// <summary>A level-sensitive PPI input of this PE's redistributor changed (the timer outputs, PPIs 30 and 27; the PMU overflow request, PPI 23).</summary>
    void SetPpiLevel(int intid, bool level);
}
