namespace Arm64Vm.Cpu;

/// <summary>
/// IRQ-5: the generic timer's event stream (Arm ARM (DDI 0487K.a) section D12.2.3, "Event streams"): with
/// CNTKCTL_EL1.EVNTEN set, a WFE wake-up event each time bit EVNTI of the virtual count (CNTVCT) makes the transition
/// EVNTDIR selects (0: 0 to 1, 1: 1 to 0). Linux enables it (arch_timer_evtstrm_enable()) so that a WFE never waits
/// longer than its period.
/// </summary>
public static class EventStream
{
    private const ulong Evnten = 1 << 2, Evntdir = 1 << 3;

    /// <summary>The physical count of the first event after virtual count <paramref name="afterVirtual"/>, or ulong.MaxValue when off.</summary>
    public static ulong NextEvent(CpuCore cpu, ulong afterVirtual)
    {
        ulong ctl = cpu.SysRegs.CntkctlEl1;
        if ((ctl & Evnten) == 0) return ulong.MaxValue;
        int bit = (int)((ctl >> 4) & 0xF);
        ulong period = 2UL << bit;
        ulong phase = (ctl & Evntdir) == 0 ? 1UL << bit : 0;   // the count at which the chosen transition happens
        ulong t = afterVirtual + 1;
        return t + ((phase - t) & (period - 1)) + cpu.CntvoffEl2;
    }
}
