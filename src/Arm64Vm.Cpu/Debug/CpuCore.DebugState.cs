namespace Arm64Vm.Cpu;

/// <summary>
/// The debug state of the PE (specs/debug.md): PSTATE.SS, whether debug exceptions are enabled (DBG-4, DBG-5) and what
/// the run loop must check, derived from the debug registers whenever one of them is written
/// (<see cref="DebugRegistersChanged"/>) so that nothing is paid while no debug event can happen.
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>PSTATE.SS, the software-step state bit (DBG-7).</summary>
    public bool PstateSs;

    /// <summary>A breakpoint, software step or a host breakpoint can fire: the run loop goes one instruction at a time (DBG-9).</summary>
    private bool _debugExec;
    /// <summary>Data accesses go through <see cref="DataAccessHook"/>: a watchpoint (guest or host) is enabled or a counter counts MEM_ACCESS (DBG-9).</summary>
    private bool _dataHook;
    private bool _guestBreakpointsArmed, _guestWatchpointsArmed;

    private ulong Dbg(int slot) => SysRegs.Value(slot);

    /// <summary>MDSCR_EL1.SS (DBG-7).</summary>
    internal bool StepBit => (Dbg(DebugSlots.Mdscr) & DebugUnit.MdscrSs) != 0;

    /// <summary>
    /// DBG-5: OSLSR_EL1.OSLK, or the OS double lock (OSDLR_EL1.DLK with DBGPRCR_EL1.CORENPDRQ clear), disables every
    /// debug exception except BRK (Arm ARM D2.5, "The OS Lock"; D2.6, "The OS Double Lock").
    /// </summary>
    private bool DebugLocked =>
        (Dbg(DebugSlots.Oslsr) & 2) != 0 || ((Dbg(DebugSlots.Osdlr) & 1) != 0 && (Dbg(DebugSlots.Dbgprcr) & 1) == 0);

    /// <summary>
    /// DBG-4: AArch64.GenerateDebugExceptionsFrom (Arm ARM D2.4, "Enabling debug exceptions") with every debug
    /// exception targeting EL1: from EL0 always (unless locked); from EL1 only with MDSCR_EL1.KDE = 1 and the
    /// <paramref name="masked"/> bit (PSTATE.D, or SPSR.D on an exception return) clear.
    /// </summary>
    internal bool DebugExceptionsEnabledFrom(int el, bool masked)
    {
        if (DebugLocked) return false;
        return el == 0 || ((Dbg(DebugSlots.Mdscr) & DebugUnit.MdscrKde) != 0 && !masked);
    }

    /// <summary>DBG-4 at the current EL and PSTATE.D.</summary>
    internal bool DebugExceptionsEnabled => DebugExceptionsEnabledFrom(El, (Daif & 0x200) != 0);

    /// <summary>
    /// Re-derives what the run loop and the data accessors check after a debug register, the host's debug settings or
    /// the PMU's MEM_ACCESS counting changed (DBG-9), and ends the current block so the run loop picks the path.
    /// </summary>
    internal void DebugRegistersChanged()
    {
        bool mde = (Dbg(DebugSlots.Mdscr) & DebugUnit.MdscrMde) != 0;
        _guestBreakpointsArmed = false;
        for (int n = 0; n < DebugUnit.Breakpoints; n++) _guestBreakpointsArmed |= mde && (Dbg(DebugSlots.Bcr[n]) & 1) != 0;
        _guestWatchpointsArmed = false;
        for (int n = 0; n < DebugUnit.Watchpoints; n++) _guestWatchpointsArmed |= mde && (Dbg(DebugSlots.Wcr[n]) & 1) != 0;
        _debugExec = _guestBreakpointsArmed || StepBit || _host.ExecutionStops;
        _perInstruction = _decodeEveryInstruction || _debugExec;
        bool hook = _guestWatchpointsArmed || _host.Watchpoints.Count > 0 || _countMemAccess;
        if (hook != _dataHook)
        {
            _dataHook = hook;
            OnElChanged();   // the fast-path masks are zero while accesses must be seen
        }
        _eventPending = true;
    }
}
