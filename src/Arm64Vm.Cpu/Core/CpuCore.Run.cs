using System.Runtime.CompilerServices;
using Arm64Vm.Cpu.Decoding;
using Arm64Vm.Memory;

namespace Arm64Vm.Cpu;

public sealed unsafe partial class CpuCore
{
    private DecodedInst[]? _fetchPage;
    private ulong _fetchVaPage = ulong.MaxValue;
    private byte* _fetchHost;
    private bool _stop;
    private bool _eventPending;
    private CpuExit _exit;
    /// <summary>The instruction in flight when the run loop bypasses the pre-decoded code (<see cref="DecodeEveryInstruction"/>).</summary>
    private DecodedInst _inFlight;
    /// <summary>Test switch: the run loop bypasses the pre-decoded code (see <see cref="DecodeEveryInstruction"/>).</summary>
    private bool _decodeEveryInstruction;
    /// <summary>Inside <see cref="Run"/>: the slot at PC (or <see cref="_inFlight"/>) is the instruction whose accesses are being made.</summary>
    private bool _running;

    /// <summary>Ends the current <see cref="Run"/> after the instruction in flight (safe from a device callback).</summary>
    public void RequestStop()
    {
        _stop = true;
        _eventPending = true;
    }

    /// <summary>Forgets the cached fetch page: the translation regime, EL or mapping of the PC may have changed.</summary>
    public void InvalidateFetch()
    {
        _fetchVaPage = ulong.MaxValue;
        _fetchPage = null;
    }

    /// <summary>
    /// Runs until an exit: at most <paramref name="maxInstructions"/> instructions. Guest faults become guest
    /// exceptions; nothing the guest does throws out of here.
    /// </summary>
    public CpuExit Run(ulong maxInstructions)
    {
        _exit = default;
        _stop = false;
        _eventPending = false;
        ulong budget = maxInstructions;
        _running = true;
        try
        {
            RunUntilExit(ref budget);
        }
        finally
        {
            _running = false;
        }
        if (_exit.Reason == ExitReason.None) _exit.Reason = ExitReason.StopRequested;
        return _exit;
    }

    private void RunUntilExit(ref ulong budget)
    {
        while (true)
        {
            try
            {
                if (_decodeEveryInstruction) RunBlockWithoutCodeCache(ref budget);
                else RunBlock(ref budget);
            }
            catch (GuestException)
            {
                // The handler already took the exception (or prepared an exit); commit its NextPc.
                Pc = NextPc;
            }
            if (_stop) break;
            if (budget == 0)
            {
                _exit.Reason = ExitReason.InstructionLimit;
                break;
            }
        }
    }

    private void RunBlock(ref ulong budget)
    {
        while (budget != 0)
        {
            ulong pc = Pc;
            // Every step counts against the budget, including one whose fetch faults, so a guest stuck in a loop of
            // exceptions still reaches the instruction limit.
            budget--;
            Retired++;
            // One test covers "PC left the cached page" and "PC is not word aligned".
            if (((pc ^ _fetchVaPage) & ~0xFFCUL) != 0) EnterFetchPage(pc);
            // The instruction executes through its slot. Its own access may invalidate that slot (a store into its own
            // line with DIC=1, a write reaching RAM of a code page, an eviction or IC IALLU that removes its line from
            // the L1I): invalidation only clears Op (CodeCache.InvalidateRange), which was dispatched on before the
            // access, so the operands stay those it was fetched with (Arm ARM (DDI 0487K.a) section B2.2.5).
            ref DecodedInst d = ref _fetchPage![(int)(pc >> 2) & (CodeCache.SlotsPerPage - 1)];
            if (d.Op == A64Op.NotDecoded) d = A64Decoder.Decode(_fetchHost != null ? *(uint*)(_fetchHost + (pc & 0xFFC)) : FetchThroughMemory(pc));
            NextPc = pc + 4;
            A64Dispatch.Execute(this, ref d);
            Pc = NextPc;
            if (_eventPending) { _eventPending = false; if (_stop) return; TakePendingInterrupt(); }
        }
    }

    /// <summary>
    /// Test-only: with <paramref name="on"/> every instruction is fetched and decoded anew and the pre-decoded code
    /// is neither read nor written: the machine without a code cache that the code-cache properties compare
    /// against. The switch is tested once per <see cref="RunBlock"/> call, never per instruction.
    /// </summary>
    internal void DecodeEveryInstruction(bool on) => _decodeEveryInstruction = on;

    /// <summary><see cref="RunBlock"/> without the pre-decoded code (the reference of <see cref="DecodeEveryInstruction"/>).</summary>
    private void RunBlockWithoutCodeCache(ref ulong budget)
    {
        while (budget != 0)
        {
            ulong pc = Pc;
            budget--;
            Retired++;
            if (((pc ^ _fetchVaPage) & ~0xFFCUL) != 0) EnterFetchPage(pc);
            _inFlight = A64Decoder.Decode(_fetchHost != null ? *(uint*)(_fetchHost + (pc & 0xFFC)) : FetchThroughMemory(pc));
            NextPc = pc + 4;
            A64Dispatch.Execute(this, ref _inFlight);
            Pc = NextPc;
            if (_eventPending) { _eventPending = false; if (_stop) return; TakePendingInterrupt(); }
        }
    }

    /// <summary>Slow path of instruction fetch: alignment check, translation, and the pre-decoded page.</summary>
    private void EnterFetchPage(ulong pc)
    {
        if (IllegalState)
        {
            // PSTATE.IL set by an illegal exception return: the next instruction takes an Illegal Execution
            // state exception (Arm ARM D1.4.4), EC 0x0E.
            NextPc = pc;
            TakeException(ExceptionClass.IllegalState, 0);
            throw GuestException.Instance;
        }
        if ((pc & 3) != 0)
        {
            // PC alignment fault (Arm ARM D1.3.5.2): EC 0x22, FAR = the misaligned PC.
            NextPc = pc;
            TakeException(ExceptionClass.PcAlignment, 0, pc, farValid: true);
            throw GuestException.Instance;
        }
        if (!TranslateFetch(pc, out ulong pa)) throw GuestException.Instance;
        var ram = Memory.Map.FindRam(pa);
        if (ram == null || !ram.Contains(pa, 4))
        {
            // Executing from something that is not RAM: synchronous external abort on instruction fetch.
            NextPc = pc;
            TakeInstructionAbort(pc, FaultStatus.SynchronousExternal);
            throw GuestException.Instance;
        }
        SetFetchSource(ram, pa & ~(ulong)(Ram.PageSize - 1), pc);
        _fetchVaPage = pc & ~(ulong)(Ram.PageSize - 1);
    }

    /// <summary>Records an exit for the host and stops the run loop after the current instruction.</summary>
    internal void ExitToHost(in CpuExit exit)
    {
        _exit = exit;
        _stop = true;
        _eventPending = true;
    }

    /// <summary>Reads the instruction word at a VA as the guest would fetch it (for traces and tests).</summary>
    public bool TryPeekInstruction(ulong va, out uint word)
    {
        word = 0;
        if (!TryTranslateNoFault(va, AccessKind.Fetch, El, out ulong pa, out _)) return false;
        if (!Memory.TryRead(Index, pa, 4, AccessKind.Fetch, MemoryAttributes.NormalWriteBackInnerShareable, out ulong v)) return false;
        word = (uint)v;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong CounterValue() => System.SystemCounter();
}
