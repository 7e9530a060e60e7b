namespace Arm64Vm.Cpu;

/// <summary>
/// The PE's interrupt inputs (IRQ-2 in specs/interrupts.md): the IRQ and FIQ lines driven by the interrupt controller,
/// taken as asynchronous exceptions at an instruction boundary when PSTATE.I / PSTATE.F is clear (Arm ARM (DDI 0487K.a)
/// section D1.3.6, "Asynchronous exception types, routing, masking and priorities"), through the same exception entry as
/// synchronous exceptions (section D1.3.1) at offset 0x80 (IRQ) or 0x100 (FIQ) of the vector group.
/// </summary>
public sealed partial class CpuCore
{
    private bool _irqLine;
    private bool _fiqLine;

    /// <summary>The interrupt controller's CPU interface for the vCPU loaded on this PE (null: no GIC).</summary>
    public IGicCpuInterface? GicCpuInterface { get; set; }

    /// <summary>The IRQ input level (a pending virtual IRQ, as the vgic signals it).</summary>
    public bool IrqLine => _irqLine;
    /// <summary>The FIQ input level.</summary>
    public bool FiqLine => _fiqLine;
    /// <summary>An interrupt is signalled, masked or not: a WFI wake-up event (Arm ARM (DDI 0487K.a) section D1.6.2).</summary>
    public bool InterruptSignalled => _irqLine || _fiqLine;

    /// <summary>Drives the IRQ input; a rising level is looked at after the instruction in flight (IRQ-2).</summary>
    public void SetIrqLine(bool level)
    {
        _irqLine = level;
        if (level) _eventPending = true;
    }

    /// <summary>Drives the FIQ input.</summary>
    public void SetFiqLine(bool level)
    {
        _fiqLine = level;
        if (level) _eventPending = true;
    }

    /// <summary>ISR_EL1.I (bit 7) and ISR_EL1.F (bit 6) from the input lines.</summary>
    internal ulong InterruptLineStatus => (_irqLine ? 0x80UL : 0) | (_fiqLine ? 0x40UL : 0);

    /// <summary>PSTATE.{I,F} may have been cleared (ERET): look at the lines after the instruction in flight.</summary>
    internal void InterruptMaskChanged() => _eventPending = true;

    /// <summary>
    /// At an instruction boundary: takes a signalled FIQ or IRQ that PSTATE does not mask (IRQ-2). FIQ is looked at
    /// first. The preferred return address is the next instruction to execute (PC). Returns whether one was taken.
    /// </summary>
    public bool TakePendingInterrupt()
    {
        ExceptionKind kind;
        if (_fiqLine && (Daif & 0x40) == 0) kind = ExceptionKind.Fiq;
        else if (_irqLine && (Daif & 0x80) == 0) kind = ExceptionKind.Irq;
        else return false;
        NextPc = Pc;
        TakeException(0, 0, kind: kind);
        Pc = NextPc;
        return true;
    }
}
