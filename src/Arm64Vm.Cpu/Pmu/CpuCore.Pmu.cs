namespace Arm64Vm.Cpu;

public sealed partial class CpuCore
{
    /// <summary>This PE's Performance Monitors (PMUv3).</summary>
    public Pmu Pmu { get; }

    /// <summary>Exception returns (ERET) executed since the PE was created: the EXC_RETURN event's source.</summary>
    public ulong ExceptionReturns { get; private set; }

    /// <summary>
    /// <see cref="Retired"/> including the instructions of the block in flight (the current one counts, as a fault in it
    /// would): exact from inside any instruction and between blocks, while <see cref="Retired"/> itself is settled
    /// only at block ends and before block-ending instructions.
    /// </summary>
    public ulong RetiredNow => _running ? Retired + ((Pc + 4 - _blockStartPc) >> 2) : Retired;

    /// <summary>The PMU overflow interrupt request (PPI 23, a level): PMOVSSET &amp; PMINTENSET while PMCR_EL0.E is set.</summary>
    public bool PmuInterruptAsserted => Pmu.InterruptAsserted;

    /// <summary>The PMU overflow interrupt's INTID: PPI 7 in the device tree, INTID 23 (IRQ-4).</summary>
    public const int PmuPpi = 23;

    /// <summary>The PMU interrupt level last sent to the interrupt controller (IRQ-4).</summary>
    public bool PmuOutputLevel { get; set; }

    /// <summary>
    /// IRQ-4: sends the PMU overflow request to this PE's redistributor as the level of PPI 23 if it changed since last
    /// sent, as the timer outputs are sent (TMR-3). Called after PMU register writes, at the run loop's event-check
    /// points and before and after every slice of guest execution.
    /// </summary>
    public void UpdatePmuOutput()
    {
        var gic = GicCpuInterface;
        if (gic == null) return;
        bool level = Pmu.InterruptAsserted;
        if (level == PmuOutputLevel) return;
        PmuOutputLevel = level;
        gic.SetPpiLevel(PmuPpi, level);
    }

    /// <summary>An EL change may start or stop counters filtered by EL (PMEVTYPER/PMCCFILTR P and U).</summary>
    private void PmuElChanged()
    {
        if (Pmu.Active) Pmu.Sync();
    }
}
