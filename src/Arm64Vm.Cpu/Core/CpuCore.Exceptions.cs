namespace Arm64Vm.Cpu;

/// <summary>Kinds of exception and their offset inside a VBAR vector group (Arm ARM D1.3.3, Table D1-7).</summary>
public enum ExceptionKind
{
    Synchronous = 0x000,
    Irq = 0x080,
    Fiq = 0x100,
    SError = 0x180,
}

public sealed partial class CpuCore
{
    /// <summary>
    /// Takes an exception to EL1 (AArch64.TakeException). The preferred return address is <see cref="NextPc"/>
    /// as set by the caller: the faulting instruction for aborts and UNDEFINED, the next one for SVC.
    /// Afterwards NextPc is the vector.
    /// </summary>
    public void TakeException(uint ec, uint iss, ulong far = 0, bool farValid = false, ExceptionKind kind = ExceptionKind.Synchronous)
    {
        // CPU-RET-1: an exception taken at the instruction (preferred return address = PC) keeps it from retiring.
        if (kind == ExceptionKind.Synchronous && NextPc == Pc) UnretireCurrent();
        ulong vectorBase = SysRegs.VbarEl1 & ~0x7FFUL;
        ulong groupOffset = El == 0 ? 0x400UL : (SpSel == 1 ? 0x200UL : 0x000UL);
        // DBG-7: SPSR_EL1.SS saves the step state; PSTATE.SS is cleared on entry.
        SysRegs.SpsrEl1 = PstateToSpsr() | (StepStateOnEntry(ec, kind) ? 1UL << 21 : 0);
        PstateSs = false;
        _steppedLast = false;
        SysRegs.ElrEl1 = NextPc;
        if (kind == ExceptionKind.Synchronous)
        {
            SysRegs.EsrEl1 = ExceptionClass.Esr(ec, iss);
            if (farValid) SysRegs.FarEl1 = far;
        }
        El = 1;
        SpSel = 1;
        Daif = 0x3C0;
        IllegalState = false;
        NextPc = vectorBase + groupOffset + (ulong)kind;
        ExceptionsTaken++;
        InvalidateFetch();
        OnElChanged();
        PmuElChanged();
    }

    /// <summary>Number of exceptions taken to EL1 since reset.</summary>
    public ulong ExceptionsTaken { get; private set; }

    /// <summary>UNDEFINED instruction (EC 0x00) at the current instruction.</summary>
    public void TakeUndefined()
    {
        NextPc = Pc;
        TakeException(ExceptionClass.Unknown, 0);
    }

    /// <summary>Instruction abort to EL1 from the current or a lower EL.</summary>
    public void TakeInstructionAbort(ulong va, uint ifsc, bool s1ptw = false)
    {
        uint ec = El == 0 ? ExceptionClass.InstructionAbortLowerEl : ExceptionClass.InstructionAbortSameEl;
        uint iss = ifsc | (s1ptw ? 1u << 7 : 0);
        TakeException(ec, iss, va, farValid: true);
    }

    /// <summary>Data abort to EL1 from the current or a lower EL (ISS per Arm ARM D24.2.40, ISS encoding for a Data Abort).</summary>
    public void TakeDataAbort(ulong va, uint dfsc, bool write, bool s1ptw = false, bool cacheMaintenance = false, uint syndromeIss = 0)
    {
        uint ec = El == 0 ? ExceptionClass.DataAbortLowerEl : ExceptionClass.DataAbortSameEl;
        uint iss = dfsc | syndromeIss;
        if (write || cacheMaintenance) iss |= 1u << 6;       // WnR (CMOs report WnR = 1)
        if (s1ptw) iss |= 1u << 7;
        if (cacheMaintenance) iss |= 1u << 8;                 // CM
        TakeException(ec, iss, va, farValid: true);
    }

    /// <summary>
    /// Routes a synchronous exception to EL2, which the host layer plays: records an exit. NextPc must already be the
    /// preferred return address (ELR_EL2).
    /// </summary>
    public void ExitToEl2(ExitReason reason, uint ec, uint iss, ulong far = 0, ulong ipa = 0)
    {
        var exit = new CpuExit
        {
            Reason = reason,
            Esr = ExceptionClass.Esr(ec, iss),
            Far = far,
            Ipa = ipa,
            Hpfar = (ipa >> 12) << 4,
        };
        ExitReturnPc = NextPc;
        if (NextPc == Pc) UnretireCurrent();     // CPU-RET-1: a trap or stage-2 fault to EL2 (not HVC/SMC)
        ExitToHost(exit);
    }

    /// <summary>ELR_EL2 of the last exit: where the guest resumes unless the host changes PC.</summary>
    public ulong ExitReturnPc { get; private set; }

    /// <summary>The exit recorded by the last stage-2 fault or trap (also valid after a host-side access outside Run).</summary>
    internal CpuExit PendingExit => _exit;

    /// <summary>
    /// ISV syndrome of the instruction being executed (for a stage-2 Data Abort, <see cref="Mmu.Stage2Fault"/>): inside
    /// <see cref="Run"/> its slot's encoding (kept even when its own access invalidated the slot: only Op is cleared),
    /// or the in-flight copy when the run loop bypasses the code cache; outside (a host-side access at PC, as tests
    /// make) the instruction at PC, from its pre-decoded slot or fetched again through a side-effect-free translation
    /// (only on this rare path).
    /// </summary>
    internal uint CurrentLoadStoreSyndrome()
    {
        if (_running && _decodeEveryInstruction) return LoadStoreSyndrome.Iss(_inFlight.Raw);
        var page = _fetchPage;
        if (page != null && ((Pc ^ _fetchVaPage) & ~0xFFFUL) == 0)
        {
            ref var d = ref page[(int)(Pc >> 2) & (CodeCache.SlotsPerPage - 1)];
            if (d.Kind != BlockEnds.NotDecoded || _running) return LoadStoreSyndrome.Iss(d.Raw);
        }
        return TryPeekInstruction(Pc, out uint word) ? LoadStoreSyndrome.Iss(word) : 0;
    }

    /// <summary>ERET from EL1 (AArch64.ExceptionReturn), including the illegal-return checks.</summary>
    public void ExceptionReturn()
    {
        ulong spsr = SysRegs.SpsrEl1;
        ulong target = SysRegs.ElrEl1;
        int m4 = (int)((spsr >> 4) & 1);
        int targetEl = (int)((spsr >> 2) & 3);
        int sp = (int)(spsr & 1);
        bool illegal = m4 != 0                     // AArch32 is not implemented
                       || targetEl > El            // cannot return to a higher EL
                       || (targetEl == 0 && sp != 0) // EL0 has no SP_ELx
                       || ((spsr >> 1) & 1) != 0;  // M[1] is reserved
        // DBG-7: PSTATE.SS from SPSR.SS when step is enabled at the target and was not here (DebugExceptionReturnSS).
        PstateSs = StepStateOnReturn(spsr, illegal ? El : targetEl);
        Nzcv = (uint)(spsr & 0xF000_0000UL);
        Daif = (uint)(spsr & 0x3C0UL);
        InterruptMaskChanged();                    // PSTATE.I/F may now let a signalled interrupt in (IRQ-2)
        if (illegal)
        {
            // Illegal exception return (Arm ARM D1.4.4): PSTATE.IL set, EL and SP unchanged.
            IllegalState = true;
        }
        else
        {
            IllegalState = ((spsr >> 20) & 1) != 0;
            El = targetEl;
            SpSel = sp;
        }
        System.Monitor.Clear(Index);
        ExclusiveValid = false;
        // Return addresses are not tagged at EL0/EL1 with TBI only for data; the PC takes ELR as it is.
        NextPc = target;
        ExceptionReturns++;
        InvalidateFetch();
        OnElChanged();
        PmuElChanged();
    }
}
