namespace Arm64Vm.Cpu;

public enum BarrierKind { Dmb, Dsb, Isb }

public sealed partial class CpuCore
{
    /// <summary>The local exclusive monitor: Open (false) or Exclusive (true) with the reserved PA and size.</summary>
    public bool ExclusiveValid;
    public ulong ExclusiveAddress;
    public int ExclusiveSize;

    /// <summary>The event register set by SEV/SEVL and consumed by WFE (Arm ARM D1.6.1).</summary>
    public bool EventRegister;

    /// <summary>Number of barrier instructions executed, by kind (statistics).</summary>
    public ulong Barriers { get; private set; }

    /// <summary>Hook for the memory system to act on barriers (a DSB completes outstanding maintenance).</summary>
    public event Action<CpuCore, BarrierKind>? BarrierExecuted;

    internal void Barrier(BarrierKind kind)
    {
        Barriers++;
        BarrierExecuted?.Invoke(this, kind);
    }

    public void ClearExclusive()
    {
        ExclusiveValid = false;
        System.Monitor.Clear(Index);
    }

    /// <summary>Writes PSTATE.DAIF (bits [9:6]).</summary>
    public void SetDaif(uint value)
    {
        Daif = value & 0x3C0;
        _eventPending = true;   // an unmasked pending interrupt may now be taken
    }

    /// <summary>ISR_EL1: pending IRQ (bit 7), FIQ (bit 6), SError (bit 8). Interrupt sources attach through this hook.</summary>
    public Func<CpuCore, ulong>? InterruptStatusSource { get; set; }

    internal ulong PendingInterruptStatus() => InterruptLineStatus | (InterruptStatusSource?.Invoke(this) ?? 0);

    /// <summary>WFI (C6.2.393). EL0 traps to EL1 unless SCTLR_EL1.nTWI; EL0/EL1 trap to EL2 under HCR_EL2.TWI.</summary>
    internal void ExecuteWaitForInterrupt()
    {
        if (El == 0 && (SysRegs.SctlrEl1 & (1UL << 16)) == 0)
        {
            NextPc = Pc;
            TakeException(ExceptionClass.WfiWfe, 1u << 24 | 0);
            return;
        }
        if ((HcrEl2 & Hcr.TWI) != 0)
        {
            NextPc = Pc;
            ExitToEl2(ExitReason.TrapToEl2, ExceptionClass.WfiWfe, 1u << 24 | 0);
            return;
        }
        if (PendingInterruptStatus() != 0) return;
        ExitToHost(new CpuExit { Reason = ExitReason.WaitForInterrupt, Esr = ExceptionClass.Esr(ExceptionClass.WfiWfe, 1u << 24) });
    }

    /// <summary>WFE (C6.2.392): consumes the event register if set, otherwise waits like WFI.</summary>
    internal void ExecuteWaitForEvent()
    {
        if (EventRegister) { EventRegister = false; return; }
        if (El == 0 && (SysRegs.SctlrEl1 & (1UL << 18)) == 0)
        {
            NextPc = Pc;
            TakeException(ExceptionClass.WfiWfe, 1u << 24 | 1);
            return;
        }
        if ((HcrEl2 & Hcr.TWE) != 0)
        {
            NextPc = Pc;
            ExitToEl2(ExitReason.TrapToEl2, ExceptionClass.WfiWfe, 1u << 24 | 1);
            return;
        }
        if (PendingInterruptStatus() != 0) return;
        ExitToHost(new CpuExit { Reason = ExitReason.WaitForInterrupt, Esr = ExceptionClass.Esr(ExceptionClass.WfiWfe, 1u << 24 | 1) });
    }
}
