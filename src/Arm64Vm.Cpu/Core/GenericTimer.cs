namespace Arm64Vm.Cpu;

/// <summary>The two EL1 timers of the generic timer a guest sees (Arm ARM (DDI 0487K.a) chapter D11).</summary>
public enum TimerChannel
{
    /// <summary>EL1 physical timer (CNTP_*), PPI 30.</summary>
    Physical = 0,
    /// <summary>EL1 virtual timer (CNTV_*), PPI 27; counts CNTVCT = CNTPCT - CNTVOFF_EL2.</summary>
    Virtual = 1,
}

/// <summary>
/// The generic timer of one PE (TMR-1..TMR-5 in specs/interrupts.md). Each channel's CTL and CVAL live in the system
/// register file (so they move with the vCPU); this class computes the condition, the output level and the next deadline
/// from them, and reports output changes to the interrupt controller as the level-sensitive PPIs 30 and 27.
/// </summary>
public static class GenericTimer
{
    public const int PhysicalPpi = 30;
    public const int VirtualPpi = 27;
    /// <summary>The EL2 physical timer's PPI, described in the device tree only (the guest has no EL2).</summary>
    public const int HypervisorPpi = 26;
    /// <summary>The EL2 virtual timer's PPI (FEAT_VHE), described in the device tree only.</summary>
    public const int HypervisorVirtualPpi = 28;

    public const ulong CtlEnable = 1, CtlImask = 2, CtlIstatus = 4;

    private static readonly SysRegDef[] Ctl = { SystemRegisterTable.ByName("CNTP_CTL_EL0"), SystemRegisterTable.ByName("CNTV_CTL_EL0") };
    private static readonly SysRegDef[] Cval = { SystemRegisterTable.ByName("CNTP_CVAL_EL0"), SystemRegisterTable.ByName("CNTV_CVAL_EL0") };

    public static int Ppi(TimerChannel channel) => channel == TimerChannel.Physical ? PhysicalPpi : VirtualPpi;

    /// <summary>The count a channel compares against: CNTPCT, or CNTVCT = CNTPCT - CNTVOFF_EL2 (TMR-1).</summary>
    public static ulong Count(CpuCore cpu, TimerChannel channel) =>
        channel == TimerChannel.Physical ? cpu.CounterValue() : cpu.CounterValue() - cpu.CntvoffEl2;

    public static ulong StoredCtl(CpuCore cpu, TimerChannel channel) => cpu.SysRegs.Stored(Ctl[(int)channel]);
    public static ulong StoredCval(CpuCore cpu, TimerChannel channel) => cpu.SysRegs.Stored(Cval[(int)channel]);

    /// <summary>TMR-2: ISTATUS = ENABLE and (count - CVAL) as an unsigned comparison count >= CVAL.</summary>
    public static bool Condition(CpuCore cpu, TimerChannel channel) =>
        (StoredCtl(cpu, channel) & CtlEnable) != 0 && Count(cpu, channel) >= StoredCval(cpu, channel);

    /// <summary>TMR-3: the interrupt output is asserted while ISTATUS = 1 and IMASK = 0.</summary>
    public static bool Output(CpuCore cpu, TimerChannel channel) =>
        (StoredCtl(cpu, channel) & CtlImask) == 0 && Condition(cpu, channel);

    /// <summary>
    /// The physical count at which the earliest enabled, unmasked timer whose condition is not met yet fires, or
    /// <see cref="ulong.MaxValue"/> if none will (TMR-4: what a WFI with nothing runnable skips ahead to).
    /// </summary>
    public static ulong NextDeadline(CpuCore cpu)
    {
        ulong best = ulong.MaxValue;
        for (int ch = 0; ch < 2; ch++)
        {
            var channel = (TimerChannel)ch;
            ulong ctl = StoredCtl(cpu, channel);
            if ((ctl & (CtlEnable | CtlImask)) != CtlEnable || Condition(cpu, channel)) continue;
            ulong cval = StoredCval(cpu, channel);
            ulong physical = channel == TimerChannel.Physical ? cval : cval + cpu.CntvoffEl2;
            // A virtual CVAL below CNTVOFF wraps: the condition is met at once once the offset count passes it.
            if (physical < cpu.CounterValue()) continue;
            best = Math.Min(best, physical);
        }
        return best;
    }

    /// <summary>Sends both outputs to the PE's interrupt controller if they changed since last sent (TMR-3).</summary>
    public static void UpdateOutputs(CpuCore cpu)
    {
        var gic = cpu.GicCpuInterface;
        if (gic == null) return;
        for (int ch = 0; ch < 2; ch++)
        {
            bool level = Output(cpu, (TimerChannel)ch);
            int bit = 1 << ch;
            if (level == ((cpu.TimerOutputLevels & bit) != 0)) continue;
            cpu.TimerOutputLevels ^= bit;
            gic.SetPpiLevel(Ppi((TimerChannel)ch), level);
        }
    }
}

public sealed partial class CpuCore
{
    /// <summary>CNTVOFF_EL2, set by the host (KVM's per-VM counter offset): CNTVCT = CNTPCT - CNTVOFF.</summary>
    public ulong CntvoffEl2;

    /// <summary>The timer output levels last sent to the interrupt controller (bit 0 physical, bit 1 virtual).</summary>
    public int TimerOutputLevels { get; set; }
}
