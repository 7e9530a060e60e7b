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

    /// <summary>An EL change may start or stop counters filtered by EL (PMEVTYPER/PMCCFILTR P and U).</summary>
    private void PmuElChanged()
    {
        if (Pmu.Active) Pmu.Sync();
    }
}
