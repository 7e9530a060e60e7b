namespace Arm64Vm.Cpu;

/// <summary>
/// Software step (Arm ARM (DDI 0487K.a) D2.12, "Software Step exceptions"; specs/debug.md DBG-7). With MDSCR_EL1.SS
/// set and debug exceptions enabled, PSTATE.SS = 1 is the active-not-pending state (the next instruction executes,
/// then SS becomes 0) and PSTATE.SS = 0 the active-pending state (a Software Step exception before the next
/// instruction). Exception entry saves SS in SPSR_EL1.SS and clears it; ERET restores it (DebugExceptionReturnSS).
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>The last instruction executed was stepped (ESR.ISV of the next Software Step exception).</summary>
    private bool _steppedLast;
    /// <summary>The stepped instruction was a load-exclusive (ESR.EX).</summary>
    private bool _steppedExclusive;
    /// <summary>Load-exclusives executed (MarkExclusive): tells whether the stepped instruction was one.</summary>
    internal ulong ExclusiveMarks;

    /// <summary>DBG-7: active-pending: a Software Step exception is taken before the instruction at PC.</summary>
    private bool StepPending => !PstateSs && StepBit && DebugExceptionsEnabled;

    /// <summary>
    /// DBG-7: SPSR_EL1.SS on exception entry. SVC completes the stepped instruction before the exception
    /// (AArch64.CallSupervisor: SSAdvance), so it saves 0; every other exception saves PSTATE.SS as it is.
    /// </summary>
    private bool StepStateOnEntry(uint ec, ExceptionKind kind) =>
        PstateSs && !(kind == ExceptionKind.Synchronous && ec == ExceptionClass.Svc64 && StepBit);

    /// <summary>
    /// DBG-7: DebugExceptionReturnSS: PSTATE.SS after an ERET is SPSR.SS only when step is enabled at the target
    /// (its EL with SPSR.D) and was not at the source; otherwise 0.
    /// </summary>
    private bool StepStateOnReturn(ulong spsr, int targetEl)
    {
        bool atSource = DebugExceptionsEnabled;
        bool atTarget = DebugExceptionsEnabledFrom(targetEl, ((spsr >> 9) & 1) != 0);
        _steppedLast = false;
        return StepBit && !atSource && atTarget && ((spsr >> 21) & 1) != 0;
    }

    /// <summary>DBG-7, DBG-8: takes the Software Step exception (EC 0x32/0x33, ISS.ISV/EX, IFSC 0x22) at PC.</summary>
    private void TakeSoftwareStep()
    {
        uint iss = DebugUnit.DebugFaultStatus;
        if (_steppedLast) iss |= 1u << 24 | (_steppedExclusive ? 1u << 6 : 0);
        TakeDebugExceptionAtPc(DebugExceptionClass.From(DebugExceptionClass.SoftwareStepLowerEl, El), iss);
    }

    /// <summary>DBG-7: SSAdvance after an instruction that completed while active-not-pending.</summary>
    private void StepAdvance(bool stepping, ulong marksBefore)
    {
        _steppedLast = stepping;
        if (!stepping) return;
        PstateSs = false;
        _steppedExclusive = ExclusiveMarks != marksBefore;
    }
}
