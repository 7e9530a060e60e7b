using Arm64Vm.Cpu.Decoding;

namespace Arm64Vm.Cpu;

/// <summary>
/// DBG-9: the exact one-instruction path the run loop takes while a breakpoint, software step or host breakpoint can
/// fire (<see cref="_debugExec"/>); the block path runs otherwise and pays nothing for debug. Checks before each
/// instruction, in the architecture's priority order (Arm ARM (DDI 0487K.a) D1.3.5, "Synchronous exception
/// prioritization"): host stops (invisible to the guest), Software Step (active-pending), instruction fetch faults,
/// breakpoints. A debug exception is taken before the instruction executes: it does not retire (DBG-10).
/// </summary>
public sealed partial class CpuCore
{
    /// <summary>The run loop goes one instruction at a time (<see cref="_decodeEveryInstruction"/> or <see cref="_debugExec"/>).</summary>
    private bool _perInstruction;

    private void RunOneInstruction()
    {
        if (!_debugExec)
        {
            RunOneWithoutCodeCache();
            return;
        }
        ulong pc = Pc;
        _blockStartPc = pc;
        if (_host.StopBefore(this, pc)) return;
        if (StepPending)
        {
            TakeSoftwareStep();
            CommitNextPc();
            return;
        }
        if (((pc ^ _fetchVaPage) & ~0xFFCUL) != 0) EnterFetchPage(pc);
        if (_guestBreakpointsArmed && DebugExceptionsEnabled && BreakpointMatches(pc))
        {
            // DBG-2, DBG-8: Breakpoint exception, EC 0x30/0x31, IFSC 0x22; ELR = the instruction; FAR UNKNOWN (kept).
            TakeDebugExceptionAtPc(DebugExceptionClass.From(DebugExceptionClass.BreakpointLowerEl, El), DebugUnit.DebugFaultStatus);
            CommitNextPc();
            return;
        }
        bool stepping = PstateSs && StepBit;
        ulong marks = ExclusiveMarks;
        // The pre-decoded slot, as the block path would run it (or a fresh decode under DecodeEveryInstruction).
        ref DecodedInst d = ref _inFlight;
        if (_decodeEveryInstruction) _inFlight = A64Decoder.Decode(FetchWord(pc));
        else
        {
            d = ref _fetchPage![(int)(pc >> 2) & (CodeCache.SlotsPerPage - 1)];
            if (d.Kind == BlockEnds.NotDecoded) DecodeSlot(ref d, pc);
        }
        RetireThroughPc();
        NextPc = pc + 4;
        A64Dispatch.Execute(this, ref d);
        StepAdvance(stepping, marks);
        CommitNextPc();
    }

    /// <summary>
    /// DBG-8, DBG-10: takes a debug exception whose preferred return address is the instruction at PC, which does not
    /// retire (it was not executed, or its access was stopped by a watchpoint).
    /// </summary>
    private void TakeDebugExceptionAtPc(uint ec, uint iss, ulong far = 0, bool farValid = false)
    {
        NextPc = Pc;
        TakeException(ec, iss, far, farValid);   // the preferred return address is PC: TakeException unretires it
    }
}
